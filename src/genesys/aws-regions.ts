/**
 * AWS region names a Genesys Cloud EventBridge integration can name as `awsAccountRegion`: the
 * region where Genesys creates the partner event source.
 *
 * The list is the commercial (`aws`), European Sovereign Cloud (`aws-eusc`) and GovCloud
 * (`aws-us-gov`) partitions of the AWS SDK's endpoint data (`@aws-sdk/core` partitions). China
 * and the isolated partitions are left out: Genesys Cloud has no deployment there. A test keeps
 * this list in step with the installed SDK.
 */
import { closestNames, editDistance } from '../events/topics.js';

/** AWS region name → description. */
export const AWS_REGIONS: Readonly<Record<string, string>> = Object.freeze({
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-east-2': 'Asia Pacific (Taipei)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-6': 'Asia Pacific (New Zealand)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-north-1': 'Europe (Stockholm)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eusc-de-east-1': 'AWS European Sovereign Cloud (Germany)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-central-1': 'Middle East (UAE)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-west-1': 'Middle East (Saudi Arabia)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (Sao Paulo)',
  'sa-west-1': 'South America (Chile)',
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-gov-east-1': 'AWS GovCloud (US-East)',
  'us-gov-west-1': 'AWS GovCloud (US-West)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
});

/** True when `name` is one of {@link AWS_REGIONS}. */
export function isAwsRegion(name: string): boolean {
  return Object.hasOwn(AWS_REGIONS, name);
}

/** The region names closest to `name` (for "did you mean" messages): the nearest ones only, at most three. */
export function suggestAwsRegions(name: string): string[] {
  const given = name.trim().toLowerCase();
  const close = closestNames(given, Object.keys(AWS_REGIONS));
  const best = close.length ? editDistance(given, close[0]!) : 0;
  return close.filter((candidate) => editDistance(given, candidate) === best);
}
