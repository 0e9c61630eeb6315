/**
 * Start-up time and RSS at rest. Start-up is the time from spawning the process to the first 200 on
 * its discovery document (hello-world: on `/`), probed every 2 ms over fresh connections; RSS at rest
 * is VmRSS 500 ms after that first answer; CPU at ready is the process's user + system time read from
 * /proc as soon as that answer arrives (what other load on a shared machine disturbs least). The targets take turns, so drift in machine load hits
 * both alike; the figure is the median of the starts.
 */
import { CLK_TCK, HOST, cpuTicks, freePort, memoryKb, sleep, waitForOk } from './processes.mjs'

export async function measureStartups(targets, starts, workDir) {
  const samples = new Map(targets.map((t) => [t.name, { startupMs: [], cpuMs: [], restRssKb: [] }]))
  for (let i = 0; i < starts; i++) {
    for (const target of targets) {
      const port = await freePort()
      const server = await target.start(workDir, port)
      try {
        const ms = await waitForOk(server, `http://${HOST}:${port}${target.readyPath ?? target.discoveryPath}`)
        const ticks = cpuTicks(server.pid)
        await sleep(500)
        const s = samples.get(target.name)
        s.startupMs.push(ms)
        if (ticks !== null) s.cpuMs.push((ticks * 1000) / CLK_TCK)
        s.restRssKb.push(memoryKb(server.pid).rss)
      } finally {
        await server.stop()
      }
    }
  }
  return targets.map((t) => {
    const s = samples.get(t.name)
    return {
      target: t.name,
      starts,
      startupMsMedian: round(median(s.startupMs), 1),
      startupMsMin: round(Math.min(...s.startupMs), 1),
      startupMsMax: round(Math.max(...s.startupMs), 1),
      cpuMsMedian: round(median(s.cpuMs), 1),
      restRssMbMedian: round(median(s.restRssKb.filter((v) => v !== null)) / 1024, 1),
    }
  })
}

export function median(values) {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const round = (n, digits) => (n === null || n === undefined || Number.isNaN(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits)
