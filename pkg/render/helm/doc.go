// Package helm renders Helm charts in-process with the Helm v4 SDK and maps
// every rendered node back to the template line that produced it.
//
// Reading. A chart directory or archive is read file by file, within size
// and count limits: regular files only (FIFOs and devices are never
// opened), symlinks only when they stay inside the chart, .helmignore
// honoured, vendored subcharts in charts/ (directories and archives, nested
// too) loaded with their parent. Helm's loader only ever sees files read
// this way, so .Files cannot reach outside the chart, and archives are
// unpacked here, never by Helm, so its decompression limits play no part.
// A file inside an archive is named by the archive's path joined with the
// member's path (charts/redis-1.0.0.tgz/redis/templates/sa.yaml).
//
// Rendering. Each scenario (the chart's values, then each ci/*-values.yaml)
// is rendered with Helm's engine: DNS off, lookup empty, no dependency or
// schema fetched. A render that fails on required or fail is rendered again
// in lint mode, with a note naming every message. values.schema.json is
// checked with a loader that fetches nothing; a schema that refers to
// another document is not checked, and a note says so. Key generation and
// password hashing return placeholders (a note says so), random functions
// are seeded: a chart renders the same every time.
//
// Bounds. Every template is instrumented before Helm parses it: a tick at
// the start of every body counts executions and literal output, every
// printing action counts its bytes, every range counts its iterations,
// every tpl string is instrumented in turn, and functions that allocate by
// an argument are replaced by bounded ones. Past a limit, or past the
// deadline, the render stops with an error on its unit.
//
// Mapping. A second render of marked copies of the top-level templates
// attributes each rendered byte to the template node that printed it: a
// node's location is that node's source line and column, a helper's line
// for output of an include, the action's line for output of an expression,
// and, where the value came from .Values, a related location at the key of
// the values file that set it.
package helm
