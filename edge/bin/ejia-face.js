#!/usr/bin/env node
import '../dist/faceCli.js'
