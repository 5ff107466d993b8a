#!/usr/bin/env node
// Prints the "N passed, N failed" line CI reads, from vitest's JSON report. A failure
// before or around the tests (build, lint, type check, an unhandled error) counts as one
// failed test, so a red run never reads as green.
import { existsSync, readFileSync } from 'node:fs'

const [file, statusArg] = process.argv.slice(2)
const status = Number(statusArg ?? 1)
let passed = 0
let failed = 0
if (file && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed = report.numPassedTests ?? 0
  failed = report.numFailedTests ?? 0
}
if (status !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
