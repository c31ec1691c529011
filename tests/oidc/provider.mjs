// A real OpenID Connect provider for tests/test_sso.py: panva's oidc-provider (the certified Node.js
// implementation), on 127.0.0.1, with one client (the dashboard) and its development login page, where a
// user name is typed and any password accepted. Usage: node provider.mjs PORT REDIRECT_URI CLIENT_SECRET
import Provider from 'oidc-provider';

const [port, redirectUri, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'uppfoljning',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],  // Streamlit returns through its callback after sign-out
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  // The user name typed on the login page is the subject; the address is derived from it and verified,
  // except for names starting with "unverified", whose address the provider does not vouch for.
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: `${id}@miun.se`,
      email_verified: !id.startsWith('unverified'),
      name: id,
    }),
  }),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The ID token carries the claims asked for, as Entra ID and Google issue it (Streamlit reads st.user
  // from the ID token, not from the userinfo endpoint).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: [clientSecret] },
});

// Streamlit asks for prompt=select_account ("let the user pick an account"), which Entra ID and Google offer
// and this provider does not: it is asked as prompt=login, the login page where the user name is typed.
provider.use(async (ctx, next) => {
  if (ctx.path === '/auth' && ctx.query.prompt === 'select_account') {
    ctx.query = { ...ctx.query, prompt: 'login' };
  }
  await next();
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
