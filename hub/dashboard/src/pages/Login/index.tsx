import { useState } from 'preact/hooks'
import { ApiError, messageOf } from '../../api/client.js'
import type { Operator } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { zh } from '../../strings/index.js'

/** Username and password; a wrong one, a locked account and an unreachable hub each say so. */
export function Login() {
  const { api, loggedIn } = useDashboard()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const r = await api<{ operator: Operator; csrfToken: string }>('POST', '/api/auth/login', {
        username: username.trim(),
        password,
      })
      loggedIn(r.operator, r.csrfToken)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'locked') setError(zh.login.locked)
      else if (err instanceof ApiError && (err.code === 'badLogin' || err.status === 400))
        setError(zh.login.badLogin)
      else if (err instanceof ApiError && err.code === 'unreachable') setError(zh.login.unreachable)
      else setError(zh.login.failed(messageOf(err)))
      setPassword('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="login">
      <form class="login-card" onSubmit={submit} data-testid="login-form">
        <h1>{zh.appName}</h1>
        <p class="muted">{zh.login.subtitle}</p>
        <label>
          {zh.login.username}
          <input
            name="username"
            autocomplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          {zh.login.password}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        {error ? (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? zh.login.working : zh.login.submit}
        </button>
      </form>
    </div>
  )
}
