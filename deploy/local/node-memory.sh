# shellcheck shell=bash disable=SC2034 # the variables are read by the scripts that source this file
# Sourced by the scripts that start nodes on this machine (deploy/local/cluster.sh, bench/run.sh):
# the memory settings a node runs with, the ones the container image gives it within the
# Kubernetes limit (deploy/docker/node.Dockerfile: half of deploy/k8s/node.yaml's 768Mi).
# Half the memory is heap, the rest is the JVM's own (about 170 MiB: metaspace, compiled code,
# the collector's structures) and RocksDB's, which lives outside the heap (memtables and block
# cache, bounded in RocksDbOptions). Without a maximum the JVM takes a quarter of the machine, and
# G1 grows into it under a write load: about 600 MiB of heap for 32 MiB of live objects.
# glibc hands the threads that allocate (RocksDB's, the JVM's) up to eight arenas per core, each
# keeping freed memory of its own; two arenas keep that RSS down without slowing the writes.
node_env=(MALLOC_ARENA_MAX=2)
node_jvm_options=(-Xmx384m)
