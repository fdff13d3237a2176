#!/bin/bash
echo hello > /tmp/hello
