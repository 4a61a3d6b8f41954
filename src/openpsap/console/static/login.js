// The login form: POST /api/v1/auth/login sets the session cookie; the console page then embeds the CSRF token.
const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const body = { username: form.username.value.trim(), password: form.password.value };
  try {
    const r = await fetch("/api/v1/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (r.ok) { window.location.reload(); return; }
    const data = await r.json().catch(() => ({}));
    error.textContent = r.status === 401 ? "Wrong user name or password." : (data.message || `Login failed (${r.status}).`);
  } catch {
    error.textContent = "The server cannot be reached. Check the network and try again.";
  }
});
