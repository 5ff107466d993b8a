#!/usr/bin/env node
import '../dist/upgradeCli.js'
