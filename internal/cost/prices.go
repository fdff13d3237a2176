package cost

import (
	"fmt"
	"sort"
	"strings"
)

// Price is one public on-demand list price.
type Price struct {
	// USD per Unit.
	USD float64
	// Unit the price is for, e.g. "instance-hour" or "GB-month".
	Unit string
	// Hourly prices are multiplied by HoursPerMonth; the others are per month
	// or per quantity (GB processed, million requests).
	Hourly bool
	// Source is the AWS pricing page the price comes from.
	Source string
	// Read is when the price was known to be the list price (see ReadNote).
	Read string
}

// Pricing pages.
const (
	srcEC2        = "https://aws.amazon.com/ec2/pricing/on-demand/"
	srcEBS        = "https://aws.amazon.com/ebs/pricing/"
	srcVPC        = "https://aws.amazon.com/vpc/pricing/"
	srcPrivateLnk = "https://aws.amazon.com/privatelink/pricing/"
	srcELB        = "https://aws.amazon.com/elasticloadbalancing/pricing/"
	srcWAF        = "https://aws.amazon.com/waf/pricing/"
	srcKMS        = "https://aws.amazon.com/kms/pricing/"
	srcCloudWatch = "https://aws.amazon.com/cloudwatch/pricing/"
	srcS3         = "https://aws.amazon.com/s3/pricing/"
	srcCredits    = "https://aws.amazon.com/ec2/pricing/on-demand/#T2.2FT3.2FT4g_Unlimited_Mode_Pricing"
)

// read is the date every price of the table was known to be the list price.
const read = "2025-01"

// ReadNote says honestly where the table's numbers come from; the cost
// command prints it under every estimate.
const ReadNote = "Prices are AWS public on-demand list prices for Linux in the region, as known in " + read +
	" (the date given with each price); they were recorded without network access and not re-read from " +
	"the pricing pages when this table was written: check the pages before relying on a figure."

// Price keys. EC2 instance types are "ec2:<type>", EBS volume types "ebs:<type>".
const (
	keyNATHour        = "nat:hour"
	keyNATGB          = "nat:gb"
	keyIPv4Hour       = "ipv4:hour"
	keyALBHour        = "alb:hour"
	keyALBLCU         = "alb:lcu-hour"
	keyWAFACL         = "waf:web-acl"
	keyWAFRule        = "waf:rule"
	keyWAFRequests    = "waf:million-requests"
	keyKMSKey         = "kms:key"
	keyAlarmStandard  = "cloudwatch:alarm-standard"
	keyAlarmHighRes   = "cloudwatch:alarm-high-resolution"
	keyDashboard      = "cloudwatch:dashboard"
	keyMetric         = "cloudwatch:metric"
	keyLogsIngestVend = "logs:vended-ingest-gb"
	keyLogsStorage    = "logs:storage-gb-month"
	keyLogsIngestStd  = "logs:standard-ingest-gb"
	keyS3Standard     = "s3:standard-gb-month"
	keyEndpointHour   = "endpoint:az-hour"
	keyEndpointGB     = "endpoint:gb"
	// keySurplusCredit is the surplus CPU credits of burstable instances in
	// unlimited mode (credits.go), per vCPU-hour: one vCPU at 100% for an hour.
	keySurplusCredit = "cpu-credits:surplus-vcpu-hour"
)

func ec2(usd float64) Price {
	return Price{USD: usd, Unit: "instance-hour", Hourly: true, Source: srcEC2, Read: read}
}

// Table holds the prices per region and key. A region or key that is not
// here is an error of the estimate, never a zero.
var Table = map[string]map[string]Price{
	"us-east-1": {
		// EC2 on-demand, Linux, shared tenancy.
		"ec2:t2.nano":     ec2(0.0058),
		"ec2:t2.micro":    ec2(0.0116),
		"ec2:t2.small":    ec2(0.023),
		"ec2:t2.medium":   ec2(0.0464),
		"ec2:t3.nano":     ec2(0.0052),
		"ec2:t3.micro":    ec2(0.0104),
		"ec2:t3.small":    ec2(0.0208),
		"ec2:t3.medium":   ec2(0.0416),
		"ec2:t3.large":    ec2(0.0832),
		"ec2:t3.xlarge":   ec2(0.1664),
		"ec2:t3.2xlarge":  ec2(0.3328),
		"ec2:t3a.nano":    ec2(0.0047),
		"ec2:t3a.micro":   ec2(0.0094),
		"ec2:t3a.small":   ec2(0.0188),
		"ec2:t3a.medium":  ec2(0.0376),
		"ec2:t3a.large":   ec2(0.0752),
		"ec2:t4g.micro":   ec2(0.0084),
		"ec2:t4g.small":   ec2(0.0168),
		"ec2:t4g.medium":  ec2(0.0336),
		"ec2:m5.large":    ec2(0.096),
		"ec2:m5.xlarge":   ec2(0.192),
		"ec2:m6i.large":   ec2(0.096),
		"ec2:m6i.xlarge":  ec2(0.192),
		"ec2:c5.large":    ec2(0.085),
		"ec2:c6i.large":   ec2(0.085),
		"ec2:r6i.large":   ec2(0.126),
		"ebs:gp3":         {USD: 0.08, Unit: "GB-month", Source: srcEBS, Read: read},
		"ebs:gp2":         {USD: 0.10, Unit: "GB-month", Source: srcEBS, Read: read},
		keyNATHour:        {USD: 0.045, Unit: "NAT gateway-hour", Hourly: true, Source: srcVPC, Read: read},
		keyNATGB:          {USD: 0.045, Unit: "GB processed", Source: srcVPC, Read: read},
		keyIPv4Hour:       {USD: 0.005, Unit: "public IPv4 address-hour", Hourly: true, Source: srcVPC, Read: read},
		keyALBHour:        {USD: 0.0225, Unit: "ALB-hour", Hourly: true, Source: srcELB, Read: read},
		keyALBLCU:         {USD: 0.008, Unit: "LCU-hour", Hourly: true, Source: srcELB, Read: read},
		keyWAFACL:         {USD: 5.00, Unit: "web ACL-month", Source: srcWAF, Read: read},
		keyWAFRule:        {USD: 1.00, Unit: "rule-month", Source: srcWAF, Read: read},
		keyWAFRequests:    {USD: 0.60, Unit: "million requests", Source: srcWAF, Read: read},
		keyKMSKey:         {USD: 1.00, Unit: "key-month", Source: srcKMS, Read: read},
		keyAlarmStandard:  {USD: 0.10, Unit: "alarm metric-month", Source: srcCloudWatch, Read: read},
		keyAlarmHighRes:   {USD: 0.30, Unit: "alarm metric-month", Source: srcCloudWatch, Read: read},
		keyDashboard:      {USD: 3.00, Unit: "dashboard-month", Source: srcCloudWatch, Read: read},
		keyMetric:         {USD: 0.30, Unit: "metric-month", Source: srcCloudWatch, Read: read},
		keyLogsIngestVend: {USD: 0.50, Unit: "GB ingested (vended logs)", Source: srcCloudWatch, Read: read},
		keyLogsStorage:    {USD: 0.03, Unit: "GB-month", Source: srcCloudWatch, Read: read},
		// Custom logs (the CloudWatch agent's), Standard log class.
		keyLogsIngestStd: {USD: 0.50, Unit: "GB ingested (custom logs)", Source: srcCloudWatch, Read: read},
		keyS3Standard:    {USD: 0.023, Unit: "GB-month", Source: srcS3, Read: read},
		keyEndpointHour:  {USD: 0.01, Unit: "endpoint AZ-hour", Hourly: true, Source: srcPrivateLnk, Read: read},
		keyEndpointGB:    {USD: 0.01, Unit: "GB processed", Source: srcPrivateLnk, Read: read},
		// Linux T2, T3, T3a and T4g in unlimited mode, every region.
		keySurplusCredit: {USD: 0.05, Unit: "surplus vCPU-hour", Hourly: true, Source: srcCredits, Read: read},
	},
}

// DetailedMonitoringMetrics is how many metrics EC2 detailed monitoring
// bills per instance (the CloudWatch pricing page's example: 7 per instance).
const DetailedMonitoringMetrics = 7

// Regions lists the regions of the table, sorted.
func Regions() []string {
	out := make([]string, 0, len(Table))
	for r := range Table {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// InstanceTypes lists the EC2 instance types priced in region, sorted.
func InstanceTypes(region string) []string { return keysWithPrefix(region, "ec2:") }

func keysWithPrefix(region, prefix string) []string {
	var out []string
	for k := range Table[region] {
		if t, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// lookup returns the price of key in region, or an error naming what is missing.
func lookup(region, key string) (Price, error) {
	prices, ok := Table[region]
	if !ok {
		return Price{}, fmt.Errorf("region %s is not in the price table (internal/cost/prices.go); it has: %s", region, strings.Join(Regions(), ", "))
	}
	p, ok := prices[key]
	if ok {
		return p, nil
	}
	if t, isEC2 := strings.CutPrefix(key, "ec2:"); isEC2 {
		return Price{}, fmt.Errorf("instance type %s has no price for %s in the price table (internal/cost/prices.go); it has: %s", t, region, strings.Join(InstanceTypes(region), ", "))
	}
	if t, isEBS := strings.CutPrefix(key, "ebs:"); isEBS {
		return Price{}, fmt.Errorf("EBS volume type %s has no price for %s in the price table (internal/cost/prices.go); it has: %s", t, region, strings.Join(keysWithPrefix(region, "ebs:"), ", "))
	}
	return Price{}, fmt.Errorf("price %s is missing for %s in the price table (internal/cost/prices.go)", key, region)
}
