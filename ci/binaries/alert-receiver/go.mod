module ha-monitoring/ci/binaries/alert-receiver

go 1.26
