import { SignIn } from '../../stacks/constructs/sign-in';
import { Naming } from '../../stacks/lib/naming';
import { environmentConfig, environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, synthConstruct, testBuilds } from './synth';

/** The sign-in construct on its own, with one environment's settings. */
function signInOf(name: 'dev' | 'prod', file: Json = {}): Json {
  const env = environmentConfig(name, file);
  return synthConstruct((scope) => {
    new SignIn(scope, 'sign-in', {
      naming: Naming.of(env),
      region: env.region,
      config: env.auth,
      accountId: '123456789012',
      appUrls: ['https://d111.cloudfront.net', 'https://tasks.example.com'],
      localUrls: ['http://localhost:3000'],
      deletionProtection: env.database.deletionProtection,
    });
  }).json;
}

describe('Sign-in: the user pool', () => {
  const dev = onlyResource(signInOf('dev'), 'aws_cognito_user_pool');
  const prod = onlyResource(signInOf('prod'), 'aws_cognito_user_pool');

  test('signs people in with a verified e-mail address', () => {
    expect(dev).toMatchObject({ username_attributes: ['email'], auto_verified_attributes: ['email'], username_configuration: { case_sensitive: false } });
    expect(dev.account_recovery_setting.recovery_mechanism).toEqual([{ name: 'verified_email', priority: 1 }]);
  });

  test('asks for a strong password and offers TOTP MFA', () => {
    expect(dev.password_policy).toMatchObject({ minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true });
    expect(dev).toMatchObject({ mfa_configuration: 'OPTIONAL', software_token_mfa_configuration: { enabled: true } });
  });

  test('lets anyone sign up in dev, while operators invite the users of prod', () => {
    expect(dev.admin_create_user_config).toEqual({ allow_admin_create_user_only: false });
    expect(prod.admin_create_user_config).toEqual({ allow_admin_create_user_only: true });
  });

  test('enforces threat protection (the Plus plan) in prod only, and keeps prod\'s users from deletion', () => {
    expect(dev).toMatchObject({ user_pool_tier: 'ESSENTIALS', deletion_protection: 'INACTIVE' });
    expect(dev.user_pool_add_ons).toBeUndefined();
    expect(prod).toMatchObject({ user_pool_tier: 'PLUS', user_pool_add_ons: { advanced_security_mode: 'ENFORCED' }, deletion_protection: 'ACTIVE' });
  });
});

describe('Sign-in: the app client and the hosted UI', () => {
  const stack = signInOf('dev');
  const client = onlyResource(stack, 'aws_cognito_user_pool_client');

  test('is a public client (no secret) with the authorization code flow only', () => {
    expect(client).toMatchObject({
      generate_secret: false,
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_scopes: ['openid', 'email', 'profile'],
      supported_identity_providers: ['COGNITO'],
      prevent_user_existence_errors: 'ENABLED',
      enable_token_revocation: true,
    });
  });

  test('returns people to the edge\'s addresses and to the local API, after sign-in and sign-out', () => {
    const urls = ['https://d111.cloudfront.net/', 'https://tasks.example.com/', 'http://localhost:3000/'];
    expect(client.callback_urls).toEqual(urls);
    expect(client.logout_urls).toEqual(urls);
  });

  test('issues hour-long access and ID tokens', () => {
    expect(client).toMatchObject({ access_token_validity: 60, id_token_validity: 60, token_validity_units: [{ access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' }] });
  });

  test('has the hosted UI on a Cognito domain prefix holding the account id, unless one is configured', () => {
    expect(onlyResource(stack, 'aws_cognito_user_pool_domain').domain).toBe('taskmanager-dev-signin-123456789012');
    const custom = signInOf('dev', { environments: { dev: { auth: { domainPrefix: 'acme-tasks' } } } });
    expect(onlyResource(custom, 'aws_cognito_user_pool_domain').domain).toBe('acme-tasks');
  });
});

describe('Sign-in in the environment', () => {
  const dev = environmentStack('dev');
  const pool = refTo(dev, 'aws_cognito_user_pool', onlyResource(dev, 'aws_cognito_user_pool'), 'id');
  const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${pool}`;
  const hostedUi = `https://${refTo(dev, 'aws_cognito_user_pool_domain', onlyResource(dev, 'aws_cognito_user_pool_domain'), 'domain')}.auth.us-east-1.amazoncognito.com`;

  test('returns people to the CloudFront address of the environment, and in dev to the local API too', () => {
    const cloudfront = refTo(dev, 'aws_cloudfront_distribution', onlyResource(dev, 'aws_cloudfront_distribution'), 'domain_name');
    expect(onlyResource(dev, 'aws_cognito_user_pool_client').callback_urls).toEqual([`https://${cloudfront}/`, 'http://localhost:3000/']);
    const prod = environmentStack('prod');
    expect(onlyResource(prod, 'aws_cognito_user_pool_client').callback_urls).toEqual([`https://${refTo(prod, 'aws_cloudfront_distribution', onlyResource(prod, 'aws_cloudfront_distribution'), 'domain_name')}/`]);
  });

  test('lets the page talk to the hosted UI (content security policy)', () => {
    const csp = onlyResource(dev, 'aws_cloudfront_response_headers_policy').security_headers_config.content_security_policy.content_security_policy;
    expect(csp).toContain(`connect-src 'self' ${hostedUi}`);
  });

  test('writes the page\'s config.json with this environment\'s API path and sign-in settings, never cached', () => {
    const config = resourceNamed(dev, 'aws_s3_object', 'runtime-config');
    expect(config).toMatchObject({ key: 'site/config.json', content_type: 'application/json; charset=utf-8', cache_control: 'no-cache' });
    expect(JSON.parse(config.content)).toEqual({
      apiBase: '/api',
      auth: { issuer, clientId: refTo(dev, 'aws_cognito_user_pool_client', onlyResource(dev, 'aws_cognito_user_pool_client'), 'id'), domain: hostedUi, scopes: ['openid', 'email', 'profile'] },
    });
  });

  test('uploads every file of the site build under site/ with its content type and cache headers', () => {
    const objects = resourcesOf(dev, 'aws_s3_object').filter((o) => o.key.startsWith('site/') && o.key !== 'site/config.json');
    const files = testBuilds().site;
    expect(objects.map((o) => [o.key, o.content_type, o.cache_control, o.source_hash]).sort()).toEqual(
      files.map((f) => [`site/${f.key}`, f.contentType, f.cacheControl, f.sha256]).sort(),
    );
    expect(objects.find((o) => o.key === 'site/index.html')!.cache_control).toBe('no-cache');
    expect(objects.filter((o) => o.key.startsWith('site/assets/')).every((o) => o.cache_control === 'public, max-age=31536000, immutable')).toBe(true);
  });

  test('keeps a site object\'s address when a new build changes its hashed name', () => {
    const names = Object.keys(dev.resource.aws_s3_object).filter((n) => n.includes('site_file'));
    expect(names.every((n) => !/-[A-Z2-7]{8}\./.test(n))).toBe(true);
  });

  test('outputs the user pool for operators', () => {
    expect(dev.output.user_pool_id.value).toBe(pool);
  });
});
