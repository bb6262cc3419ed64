import { Construct } from 'constructs';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import type { AuthConfig } from '../config';
import { Naming } from '../lib/naming';

export interface SignInProps {
  /** The user pool's name. */
  readonly naming: Naming;
  /** Region of the user pool (its issuer URL and hosted UI domain). */
  readonly region: string;
  /** Self sign-up, threat protection, the hosted UI's domain prefix. */
  readonly config: AuthConfig;
  /** Account id (from a resource ARN): the default domain prefix holds it, so it is unique. */
  readonly accountId: string;
  /** Where the page lives (`https://...`, no trailing slash): sign-in returns there, sign-out too. */
  readonly appUrls: readonly string[];
  /** Local addresses that may sign in too (`http://localhost:<port>`), for `npm run api`. */
  readonly localUrls: readonly string[];
  /** Keep the user pool (and its users) from being deleted. */
  readonly deletionProtection: boolean;
}

/** The OAuth scopes the page asks for: who the user is, nothing else. */
export const SIGN_IN_SCOPES = ['openid', 'email', 'profile'];

/**
 * Sign-in with Amazon Cognito: a user pool that signs people in with their e-mail address (verified
 * by a code), a strong password and optional TOTP MFA; a public app client for the web page using
 * the authorization-code flow with PKCE only (no secret can live in a browser); and the hosted UI on
 * a Cognito domain prefix, so no certificate is needed. The API verifies the pool's tokens itself.
 */
export class SignIn extends Construct {
  readonly userPool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  /** The tokens' `iss`: `https://cognito-idp.<region>.amazonaws.com/<pool id>` (AUTH_ISSUER). */
  readonly issuer: string;
  /** The hosted UI's base URL (`/oauth2/authorize`, `/oauth2/token`, `/logout` under it). */
  readonly hostedUiUrl: string;

  constructor(scope: Construct, id: string, props: SignInProps) {
    super(scope, id);
    const { naming, config } = props;
    const threatProtection = config.threatProtection !== 'OFF';

    this.userPool = new CognitoUserPool(this, 'users', {
      name: naming.name('users'),
      usernameAttributes: ['email'],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      verificationMessageTemplate: { defaultEmailOption: 'CONFIRM_WITH_CODE' },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: false,
        temporaryPasswordValidityDays: 3,
      },
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      adminCreateUserConfig: { allowAdminCreateUserOnly: !config.selfSignUp },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan.
      userPoolTier: threatProtection ? 'PLUS' : 'ESSENTIALS',
      userPoolAddOns: threatProtection ? { advancedSecurityMode: config.threatProtection } : undefined,
      deletionProtection: props.deletionProtection ? 'ACTIVE' : 'INACTIVE',
    });
    this.issuer = `https://cognito-idp.${props.region}.amazonaws.com/${this.userPool.id}`;

    const domain = new CognitoUserPoolDomain(this, 'hosted-ui', {
      domain: config.domainPrefix || `${naming.name('signin')}-${props.accountId}`,
      userPoolId: this.userPool.id,
    });
    this.hostedUiUrl = `https://${domain.domain}.auth.${props.region}.amazoncognito.com`;

    const returnUrls = [...props.appUrls, ...props.localUrls].map((url) => `${url}/`);
    this.client = new CognitoUserPoolClient(this, 'web', {
      name: naming.name('web'),
      userPoolId: this.userPool.id,
      generateSecret: false,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['code'],
      allowedOauthScopes: SIGN_IN_SCOPES,
      supportedIdentityProviders: ['COGNITO'],
      callbackUrls: returnUrls,
      logoutUrls: returnUrls,
      defaultRedirectUri: returnUrls[0],
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      authSessionValidity: 3,
    });
  }
}
