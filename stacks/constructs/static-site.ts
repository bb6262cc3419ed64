import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { RUNTIME_CONFIG_FILE, RuntimeConfig, siteObjectHeaders } from '../../api/contract/web';
import type { SiteFile } from '../build/bundle-site';
import type { SecureBucket } from './secure-bucket';

export interface StaticSiteProps {
  /** The bucket the edge serves the site from. */
  readonly bucket: SecureBucket;
  /** Key prefix of the site in the bucket, without slashes (the edge's origin path). */
  readonly prefix: string;
  /** The built site's files, with their content types and cache headers. */
  readonly files: readonly SiteFile[];
  /** Where this environment's page finds the API and signs in (values known at apply time). */
  readonly runtimeConfig: RuntimeConfig;
}

/**
 * The web page in the static bucket: every file of the build as an object with its content type
 * and cache headers (hashed assets immutable, `index.html` revalidated), and `config.json` with
 * this environment's settings, so one build of the site serves every environment. An object
 * changes when its content's hash does; files that left the build are deleted with their objects.
 */
export class StaticSite extends Construct {
  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const bucket = props.bucket.bucketName;
    for (const file of props.files) {
      const id = stableId(file.key);
      const asset = new TerraformAsset(this, `asset-${id}`, { path: file.path, type: AssetType.FILE });
      new S3Object(this, `file-${id}`, {
        bucket,
        key: `${props.prefix}/${file.key}`,
        source: asset.path,
        sourceHash: file.sha256,
        contentType: file.contentType,
        cacheControl: file.cacheControl,
      });
    }
    const configHeaders = siteObjectHeaders(RUNTIME_CONFIG_FILE)!;
    new S3Object(this, 'runtime-config', {
      bucket,
      key: `${props.prefix}/${RUNTIME_CONFIG_FILE}`,
      content: JSON.stringify(props.runtimeConfig),
      contentType: configHeaders.contentType,
      cacheControl: configHeaders.cacheControl,
    });
  }
}

/**
 * A construct id that outlives the content hash in an asset's name (`assets/main-5ZQ3KX2A.js` ->
 * `assets_main.js`), so the object's address stays put and a new build replaces it in place.
 */
export function stableId(key: string): string {
  return key.replace(/-[A-Z0-9]{8}(?=\.[a-z0-9]+$)/, '').replace(/\//g, '_');
}
