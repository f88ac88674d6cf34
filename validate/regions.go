package validate

import "sort"

// regionsByPartition are the Region codes of each partition, as AWS's
// Regions and endpoints pages and the partitions file of the AWS SDKs list
// them (checked 2026-12). A Region that opens later is reported as
// INVALID_ARN_REGION / INVALID_REGION until it is added here.
var regionsByPartition = map[string][]string{
	"aws": {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
		"eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
		"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
	"aws-eusc":   {"eusc-de-east-1"},
}

// regionPartition maps every Region code to its partition.
var regionPartition = func() map[string]string {
	m := map[string]string{}
	for p, rs := range regionsByPartition {
		for _, r := range rs {
			m[r] = p
		}
	}
	return m
}()

// allRegions lists every Region code, sorted.
var allRegions = func() []string {
	out := make([]string, 0, len(regionPartition))
	for r := range regionPartition {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}()

// isRegion reports whether r is a Region code of the partition (of any
// partition when partition is "" or has a wildcard).
func isRegion(r, partition string) bool {
	p, ok := regionPartition[r]
	if !ok {
		return false
	}
	return partition == "" || hasWildcard(partition) || !partitions[partition] || p == partition
}

// regionHint names the partition a Region code belongs to when it is not
// the given one, for messages: " (us-gov-west-1 is a Region of aws-us-gov)".
func regionHint(r, partition string) string {
	if p, ok := regionPartition[r]; ok && p != partition {
		return " (" + r + " is a Region of the " + p + " partition, not of " + partition + ")"
	}
	return ""
}
