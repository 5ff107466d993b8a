#!/usr/bin/env node
import '../dist/backupCli.js'
