#!/usr/bin/env node
import '../dist/cli/ejiaConfig.js'
