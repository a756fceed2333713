export { convertResult } from './convert.ts';
export { copyDns, from020To040, from040To020, from040To100, from100To040 } from './convert-edges.ts';
export {
  is020Version,
  is040Version,
  is100Version,
  isResult020,
  isResult040,
  isResult100,
  type ResultFamily,
  resultFamily,
} from './family.ts';
export { type ParseResultOptions, parseResult } from './parse.ts';
export { goIndentJson, printResult, resultToJSON } from './to-json.ts';
