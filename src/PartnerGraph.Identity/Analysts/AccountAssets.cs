namespace PartnerGraph.Identity.Analysts;

/// <summary>The script and stylesheet of the account pages, served from this origin (the pages allow no inline code).</summary>
internal static class AccountAssets
{
    /// <summary>Authorization code with PKCE (S256) in the browser: to /connect/authorize, back here with a code, then /connect/token.</summary>
    public const string TokenScript = """
        // PartnerGraph token page: the authorization code flow with PKCE (S256), run by the browser against this server.
        const script = document.currentScript;
        const clientId = script.dataset.clientId;
        const redirectUri = window.location.origin + '/account/token';
        const $ = (id) => document.getElementById(id);
        const base64Url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        const random = () => base64Url(crypto.getRandomValues(new Uint8Array(32)));

        async function start() {
          const verifier = random();
          const state = random();
          sessionStorage.setItem('partnergraph-pkce', JSON.stringify({ verifier, state }));
          const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
          const query = new URLSearchParams({
            response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state,
            code_challenge: challenge, code_challenge_method: 'S256',
          });
          window.location.assign('/connect/authorize?' + query);
        }

        async function finish(params) {
          const saved = JSON.parse(sessionStorage.getItem('partnergraph-pkce') || '{}');
          sessionStorage.removeItem('partnergraph-pkce');
          if (params.get('error')) {
            throw new Error(params.get('error_description') || params.get('error'));
          }
          if (!saved.verifier || params.get('state') !== saved.state) {
            throw new Error('This answer does not belong to a request of this page. Reload the page to try again.');
          }
          const response = await fetch('/connect/token', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code', client_id: clientId, code: params.get('code'),
              redirect_uri: redirectUri, code_verifier: saved.verifier,
            }),
          });
          const body = await response.json();
          if (!response.ok) {
            throw new Error(body.error_description || body.error || 'The token endpoint refused.');
          }
          history.replaceState(null, '', '/account/token');
          $('token').value = body.access_token;
          $('expires').textContent = new Date(Date.now() + body.expires_in * 1000).toISOString().slice(0, 16).replace('T', ' ');
          $('scopes').textContent = body.scope || '';
          $('status').hidden = true;
          $('result').hidden = false;
        }

        $('copy').addEventListener('click', async () => {
          await navigator.clipboard.writeText($('token').value).catch(() => { $('token').select(); document.execCommand('copy'); });
          $('copied').hidden = false;
        });

        const params = new URLSearchParams(window.location.search);
        (params.has('code') || params.has('error') ? finish(params) : start()).catch((e) => {
          $('status').textContent = 'No token: ' + e.message;
          $('status').className = 'problem';
        });
        """;

    public const string Stylesheet = """
        body { font-family: system-ui, sans-serif; background: #f4f6fa; color: #1d2633; margin: 0; }
        main { max-width: 40rem; margin: 4rem auto; background: #fff; padding: 2rem 2.5rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
        input[type=email], input[type=password], textarea { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
        textarea { font-family: ui-monospace, monospace; font-size: .8rem; word-break: break-all; }
        button { padding: .5rem 1.2rem; font: inherit; background: #3b4f74; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        .problem { color: #a01818; font-weight: 600; }
        """;
}
