#!/usr/bin/env node
import '../dist/operatorCli.js'
