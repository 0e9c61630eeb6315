import t from 'tap'
import { buildTestApp, signIn, refresh } from '../helpers/app.js'

t.test('password then refresh', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const res = await refresh(app, tokens.refresh_token)
  t.equal(res.statusCode, 200)
})
