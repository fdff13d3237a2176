package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/distribution/reference"
)

// ECRImage is a container image in a private Amazon ECR registry: what the
// instances need to log in to it and to be allowed to pull it.
type ECRImage struct {
	// Registry is the image's registry host as written, e.g.
	// 123456789012.dkr.ecr.eu-west-1.amazonaws.com (docker login takes it).
	Registry string
	// Account is the registry's 12-digit AWS account ID.
	Account string
	// Region is the registry's region, e.g. eu-west-1.
	Region string
	// Repository is the repository name, e.g. web or team/web.
	Repository string
	// China says the registry is in the aws-cn partition (amazonaws.com.cn).
	China bool
}

// RepositoryARN is the repository's ARN in the supported partition:
// arn:aws:ecr:<region>:<account>:repository/<name>.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html#amazonelasticcontainerregistry-resources-for-iam-policies
func (e ECRImage) RepositoryARN() string {
	return "arn:" + Partition + ":ecr:" + e.Region + ":" + e.Account + ":repository/" + e.Repository
}

// ecrRegistryRE matches the registry hosts of Amazon ECR private registries
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html):
// <account>.dkr.ecr[-fips].<region>.amazonaws.com (and .com.cn in China) and
// the dual-stack <account>.dkr-ecr[-fips].<region>.on.aws.
var ecrRegistryRE = regexp.MustCompile(`^([0-9]{12})\.(?:dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?|dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws)$`)

// ParseECRImage splits an image reference of a private Amazon ECR registry
// into its registry, account, region and repository; ok is false for any
// other image (Docker Hub, ECR Public, other registries) and for a reference
// that is not one (checkImage reports that).
func ParseECRImage(image string) (ECRImage, bool) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return ECRImage{}, false
	}
	domain := reference.Domain(named)
	// Host names are case-insensitive; the reference grammar allows upper
	// case in the domain only.
	m := ecrRegistryRE.FindStringSubmatch(strings.ToLower(domain))
	if m == nil {
		return ECRImage{}, false
	}
	region := m[2]
	if region == "" {
		region = m[4]
	}
	return ECRImage{Registry: domain, Account: m[1], Region: region, Repository: reference.Path(named), China: m[3] != ""}, true
}

// checkECRImage says what keeps the stacks from pulling a private ECR image,
// or "": its registry must be in a region of the supported partition (the
// instance role names the repository by an arn:aws: ARN).
func checkECRImage(image string) string {
	e, ok := ParseECRImage(image)
	switch {
	case !ok:
		return ""
	case e.China:
		return fmt.Sprintf("%s is in an Amazon ECR registry of region %s in the aws-cn partition; the stacks write arn:%s: ARNs and support only the %s partition: want a registry in a region such as us-east-1",
			q(image), keyText(e.Region), Partition, Partition)
	}
	if msg := checkRegion(e.Region); msg != "" {
		return fmt.Sprintf("%s is in an Amazon ECR registry of region %s: %s", q(image), keyText(e.Region), msg)
	}
	return ""
}
