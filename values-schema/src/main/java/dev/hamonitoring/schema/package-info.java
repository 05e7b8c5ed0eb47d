/**
 * The chart's values schema: one YAML source ({@code values-schema/src/main/schema/values.schema.yaml},
 * JSON Schema draft-07 written as YAML), its rules ({@link dev.hamonitoring.schema.SchemaDiscipline}),
 * the generated {@code charts/ha-monitoring/values.schema.json}
 * ({@link dev.hamonitoring.schema.SchemaGenerator}; committed with the chart and checked for staleness), the check
 * that values.yaml and the schema describe the same keys
 * ({@link dev.hamonitoring.schema.SchemaValuesConsistency}, with the custom keyword
 * {@code x-optional: true} for keys without a default) and the README's values table
 * ({@link dev.hamonitoring.schema.ValuesReferenceGenerator}).
 */
package dev.hamonitoring.schema;
