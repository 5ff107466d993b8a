#!/usr/bin/env node
import '../dist/releaseCli.js'
