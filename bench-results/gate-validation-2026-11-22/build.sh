#!/bin/bash
# build.sh ALLOCBENCH_JAR WRAPPER_JAR: a wrapper jar whose Main-Class is the stand-in, Class-Path = the real jar
set -e
cd "$(dirname "$0")"
real=$(readlink -f "$1"); out=$2
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
rm -rf classes && mkdir -p classes
$J/javac -d classes -cp "$real" src/StandInCampaign.java
printf 'Main-Class: StandInCampaign\nClass-Path: file:%s\n' "$real" > manifest.txt
$J/jar --create --file "$out" --manifest manifest.txt -C classes .
