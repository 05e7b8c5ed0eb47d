module ha-monitoring/ci/binaries/pause

go 1.26
