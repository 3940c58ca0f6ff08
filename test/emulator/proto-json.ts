/**
 * Checks JSON bodies against Clarifai's own message definitions (the .proto files shipped in
 * clarifai-nodejs-grpc), the way a proto3 JSON parser with proto field names would read them,
 * plus the API's `cl_show_if_empty` rule in both directions.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);

let cached: protobuf.Root | undefined;

/** The clarifai.api package, field names kept as in the protos (snake_case). */
function clarifaiProtos(): protobuf.Root {
  if (cached) return cached;
  // The package exports only its JS; its main entry sits in src/, the protos in proto/.
  const grpcDir = dirname(dirname(require.resolve("clarifai-nodejs-grpc")));
  const pbjsDir = dirname(require.resolve("protobufjs/package.json"));
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (target.startsWith("proto/")) return join(grpcDir, target);
    if (target.startsWith("google/")) return join(pbjsDir, target);
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(join(grpcDir, "proto/clarifai/api/service.proto"), { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

const SHOW_IF_EMPTY = "(clarifai.api.utils.cl_show_if_empty)";
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

export interface JsonCheck {
  problems: string[];
  /** The value in protobufjs object form (for Type.fromObject), when it could be built. */
  object: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function structValue(value: unknown): unknown {
  if (value === null) return { null_value: 0 };
  if (typeof value === "number") return { number_value: value };
  if (typeof value === "string") return { string_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  if (Array.isArray(value)) return { list_value: { values: value.map(structValue) } };
  return { struct_value: struct(value as Record<string, unknown>) };
}

function struct(value: Record<string, unknown>): unknown {
  return { fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structValue(v)])) };
}

function isZero(value: unknown): boolean {
  return (
    value === 0 || value === "" || value === false || (Array.isArray(value) && value.length === 0)
  );
}

function checkScalar(
  field: protobuf.Field,
  value: unknown,
  path: string,
  problems: string[],
  options: CheckOptions,
): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) {
    if (typeof value === "number" && Object.values(type.values).includes(value)) return value;
    if (typeof value === "string" && value in type.values) return type.values[value];
    problems.push(`${path}: ${JSON.stringify(value)} is not a value of enum ${type.fullName}`);
    return undefined;
  }
  if (type instanceof protobuf.Type) return checkMessage(type, value, path, problems, options);
  switch (field.type) {
    case "string":
      if (typeof value !== "string") problems.push(`${path}: expected a string`);
      return value;
    case "bool":
      if (typeof value !== "boolean") problems.push(`${path}: expected a boolean`);
      return value;
    case "bytes":
      if (typeof value !== "string") problems.push(`${path}: expected base64 text`);
      return typeof value === "string" ? Buffer.from(value, "base64") : undefined;
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      if (typeof value !== "number" && !(typeof value === "string" && /^-?\d+$/.test(value))) {
        problems.push(`${path}: expected an integer or an integer string`);
      }
      return typeof value === "string" ? Number(value) : value;
    default:
      if (typeof value !== "number") problems.push(`${path}: expected a number (${field.type})`);
      if (field.type.includes("int") && !Number.isInteger(value))
        problems.push(`${path}: expected an integer`);
      if (field.type.startsWith("uint") && typeof value === "number" && value < 0)
        problems.push(`${path}: negative ${field.type}`);
      return value;
  }
}

export interface CheckOptions {
  /** Allowed fractional-second digit counts in timestamps. */
  timestampDigits?: number[];
  /** Also enforce proto3 JSON's canonical omission of zero values (responses only). */
  canonical?: boolean;
}

function checkMessage(
  type: protobuf.Type,
  value: unknown,
  path: string,
  problems: string[],
  options: CheckOptions,
): unknown {
  if (type.fullName === ".google.protobuf.Timestamp") {
    const match = typeof value === "string" ? TIMESTAMP.exec(value) : null;
    if (!match) {
      problems.push(`${path}: ${JSON.stringify(value)} is not an RFC 3339 UTC timestamp`);
      return undefined;
    }
    const digits = match[2]?.length ?? 0;
    if (options.timestampDigits && !options.timestampDigits.includes(digits)) {
      problems.push(`${path}: ${digits} fractional digits`);
    }
    return {
      seconds: Date.parse(`${match[1]}Z`) / 1000,
      nanos: Number((match[2] ?? "").padEnd(9, "0")),
    };
  }
  if (type.fullName === ".google.protobuf.Struct") {
    if (!isObject(value)) problems.push(`${path}: expected a JSON object (Struct)`);
    return isObject(value) ? struct(value) : undefined;
  }
  if (type.fullName === ".google.protobuf.Value") return structValue(value);
  if (!isObject(value)) {
    problems.push(`${path}: expected an object (${type.fullName})`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = type.fields[key];
    const at = path ? `${path}.${key}` : key;
    if (!field) {
      problems.push(`${at}: ${type.fullName} has no field "${key}"`);
      continue;
    }
    const showIfEmpty = field.options?.[SHOW_IF_EMPTY] === true;
    if (options.canonical && !showIfEmpty && isZero(fieldValue)) {
      problems.push(`${at}: zero value should be omitted (not cl_show_if_empty)`);
    }
    if (field.map) {
      if (!isObject(fieldValue)) problems.push(`${at}: expected a map object`);
      else
        out[key] = Object.fromEntries(
          Object.entries(fieldValue).map(([k, v]) => [
            k,
            checkScalar(field, v, `${at}.${k}`, problems, options),
          ]),
        );
    } else if (field.repeated) {
      if (!Array.isArray(fieldValue)) problems.push(`${at}: expected a list`);
      else
        out[key] = fieldValue.map((item, i) =>
          checkScalar(field, item, `${at}[${i}]`, problems, options),
        );
    } else {
      out[key] = checkScalar(field, fieldValue, at, problems, options);
    }
  }
  if (options.canonical) {
    for (const field of type.fieldsArray) {
      if (field.options?.[SHOW_IF_EMPTY] === true && !(field.name in value)) {
        problems.push(`${path || type.name}: missing ${field.name} (cl_show_if_empty)`);
      }
    }
  }
  return out;
}

/**
 * Checks `value` as the JSON of message `typeName`, then builds it with Type.fromObject and
 * round-trips it through the binary encoding.
 */
export function checkJson(typeName: string, value: unknown, options: CheckOptions = {}): JsonCheck {
  const type = clarifaiProtos().lookupType(typeName);
  const problems: string[] = [];
  const object = checkMessage(type, value, "", problems, options);
  if (problems.length === 0) {
    const verified = type.verify(object as Record<string, unknown>);
    if (verified) problems.push(`verify: ${verified}`);
    const message = type.fromObject(object as Record<string, unknown>);
    type.decode(type.encode(message).finish());
  }
  return { problems, object };
}
