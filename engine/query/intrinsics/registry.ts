/** Every intrinsic function by name; the type makes a missing one a compile error. */
import { IntrinsicName, type IntrinsicSpec } from './spec.ts';
import { array } from './functions/array.ts';
import { arrayContains } from './functions/arrayContains.ts';
import { arrayGetItem } from './functions/arrayGetItem.ts';
import { arrayLength } from './functions/arrayLength.ts';
import { arrayPartition } from './functions/arrayPartition.ts';
import { arrayRange } from './functions/arrayRange.ts';
import { arrayUnique } from './functions/arrayUnique.ts';
import { base64Decode } from './functions/base64Decode.ts';
import { base64Encode } from './functions/base64Encode.ts';
import { format } from './functions/format.ts';
import { hash } from './functions/hash.ts';
import { jsonMerge } from './functions/jsonMerge.ts';
import { jsonToString } from './functions/jsonToString.ts';
import { mathAdd } from './functions/mathAdd.ts';
import { mathRandom } from './functions/mathRandom.ts';
import { stringSplit } from './functions/stringSplit.ts';
import { stringToJson } from './functions/stringToJson.ts';
import { uuid } from './functions/uuid.ts';

export const intrinsics: Record<IntrinsicName, IntrinsicSpec> = {
  [IntrinsicName.Format]: format,
  [IntrinsicName.StringToJson]: stringToJson,
  [IntrinsicName.JsonToString]: jsonToString,
  [IntrinsicName.Array]: array,
  [IntrinsicName.ArrayPartition]: arrayPartition,
  [IntrinsicName.ArrayContains]: arrayContains,
  [IntrinsicName.ArrayRange]: arrayRange,
  [IntrinsicName.ArrayGetItem]: arrayGetItem,
  [IntrinsicName.ArrayLength]: arrayLength,
  [IntrinsicName.ArrayUnique]: arrayUnique,
  [IntrinsicName.Base64Encode]: base64Encode,
  [IntrinsicName.Base64Decode]: base64Decode,
  [IntrinsicName.Hash]: hash,
  [IntrinsicName.JsonMerge]: jsonMerge,
  [IntrinsicName.MathRandom]: mathRandom,
  [IntrinsicName.MathAdd]: mathAdd,
  [IntrinsicName.StringSplit]: stringSplit,
  [IntrinsicName.UUID]: uuid,
};
