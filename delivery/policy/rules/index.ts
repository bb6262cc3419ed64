/** Every policy rule, in the order reports list them. */
import type { Rule } from '../rule';
import { CONTAINER_RULES } from './containers';
import { EDGE_RULES } from './edge';
import { ENCRYPTION_RULES } from './encryption';
import { EXECUTION_RULES } from './execution';
import { EXPOSURE_RULES } from './exposure';
import { IAM_RULES } from './iam';
import { OPERATIONS_RULES } from './operations';
import { PLAN_RULES } from './plan';
import { PRIVILEGE_RULES } from './privilege';
import { SPEND_RULES } from './spend';

export const RULES: readonly Rule[] = [...ENCRYPTION_RULES, ...EXPOSURE_RULES, ...IAM_RULES, ...PRIVILEGE_RULES, ...OPERATIONS_RULES, ...SPEND_RULES, ...EDGE_RULES, ...CONTAINER_RULES, ...PLAN_RULES, ...EXECUTION_RULES];
