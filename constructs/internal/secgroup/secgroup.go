// Package secgroup creates the constructs' security groups the one way this
// project replaces them safely: a name prefix plus create_before_destroy, so a
// replacement exists (with its rules) before the old group goes and names
// never collide. Rules are added by the caller as separate resources.
package secgroup

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// New creates security group "sg" in scope, named <name>-<role>-<suffix> and tagged <name>-<role>.
func New(scope constructs.Construct, name, role, description string, vpcID *string) securitygroup.SecurityGroup {
	return securitygroup.NewSecurityGroup(scope, jsii.String("sg"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  jsii.String(name + "-" + role + "-"),
		Description: jsii.String(description),
		VpcId:       vpcID,
		Tags:        ptr.Name(name + "-" + role),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
}
