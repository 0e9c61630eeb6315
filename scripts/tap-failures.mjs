// Collects the failed tests from tap's TAP stream, so the run can name them again in its last lines:
// CI shows only the tail of the output, where the `not ok` lines of a 10,000-test run are long gone.
// TAP 14 nests a subtest by four spaces under its `# Subtest: name` line; a failed subtest is reported
// `not ok` at every level above its failed assertion, so only the deepest failure of a path is listed.

const MAX_DIAGNOSTIC_LINES = 12

export function tapFailures() {
  const names = []
  const failures = []
  let diagnostic = null
  // The failure whose `---` diagnostic block may start on the next line; only that line can open it.
  let justFailed = null
  let pending = ''

  function line(text) {
    const indent = text.length - text.trimStart().length
    const body = text.trimStart()
    if (diagnostic) {
      if (indent === diagnostic.indent && body === '...') diagnostic = null
      else if (diagnostic.lines.length < MAX_DIAGNOSTIC_LINES) diagnostic.lines.push(text.slice(diagnostic.indent))
      return
    }
    const opens = justFailed
    justFailed = null
    if (body === '---' && opens) {
      diagnostic = { indent, lines: opens.lines }
      return
    }
    const level = Math.floor(indent / 4)
    const subtest = /^# Subtest: (.*)$/.exec(body)
    if (subtest) {
      names.length = level
      names[level] = subtest[1]
      return
    }
    const failed = /^not ok \d+(?: - (.*?))?(?: # (.*))?$/.exec(body)
    // A TODO failure does not fail the run, so it is not listed.
    if (failed && !failed[2]?.startsWith('TODO')) {
      justFailed = { path: [...names.slice(0, level), failed[1] ?? '(unnamed)'], lines: [] }
      failures.push(justFailed)
    }
  }

  return {
    /** Feeds a chunk of the stream; lines may be split across chunks. */
    write(chunk) {
      const parts = (pending + chunk).split('\n')
      pending = parts.pop() ?? ''
      for (const part of parts) line(part)
    },
    /** The failures that are not just the parents of another, each with its first diagnostic lines. */
    leaves() {
      if (pending) line(pending)
      pending = ''
      const key = (path) => path.join('\u0000')
      return failures.filter(
        (failure) => !failures.some((other) => other !== failure && other.path.length > failure.path.length && key(other.path).startsWith(`${key(failure.path)}\u0000`)),
      )
    },
  }
}

/** The failures as the text printed before the closing line. */
export function failureText(leaves) {
  if (leaves.length === 0) return ''
  const out = [`== failed tests (${leaves.length}) ==`]
  for (const { path, lines } of leaves) {
    out.push(`not ok ${path.join(' > ')}`)
    for (const text of lines) out.push(`    ${text}`)
  }
  return `${out.join('\n')}\n`
}
