// Command floor is the baseline of `make bench`: the least a CDKTF Go app
// with the AWS provider can do. It creates one stack holding only the AWS
// provider and synthesizes it (into CDKTF_OUTDIR, or a temporary directory
// it removes), loading the provider package the standard way: it never
// calls lazyjsii.Setup. What the real synth costs beyond this is our code.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
)

func main() {
	jsiienv.Ensure(".")
	outdir := os.Getenv("CDKTF_OUTDIR")
	if outdir == "" {
		dir, err := os.MkdirTemp("", "ewt-floor-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		outdir = dir
	}
	if err := run(outdir); err != nil {
		jsii.Close()
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	jsii.Close()
}

func run(outdir string) (err error) {
	defer func() {
		if r := recover(); r != nil { // jsii reports JavaScript errors as panics
			err = fmt.Errorf("synth failed: %v", r)
		}
	}()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir), StackTraces: jsii.Bool(false)})
	stack := cdktf.NewTerraformStack(app, jsii.String("floor"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	app.Synth()
	return nil
}
