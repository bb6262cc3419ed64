// Every test file's default limit (jest.config.js setupFilesAfterEnv), from the one place.
import { TIME_LIMITS } from './time-limits';

jest.setTimeout(TIME_LIMITS.test);
