package validate

import (
	"sort"
	"strings"
)

// resourceTypeInfo is a resource type a RESOURCE_POLICY can be attached
// to (Access Analyzer's validatePolicyResourceType), with the service
// whose actions and ARNs it may name and its policy size quota.
type resourceTypeInfo struct {
	name    string
	service string
	quota   int // characters, whitespace excluded; 0 when unknown
}

var resourceTypes = []resourceTypeInfo{
	{"AWS::S3::Bucket", "s3", 20480},
	{"AWS::S3::AccessPoint", "s3", 20480},
	{"AWS::S3::MultiRegionAccessPoint", "s3", 20480},
	{"AWS::S3ObjectLambda::AccessPoint", "s3-object-lambda", 20480},
	{"AWS::S3Express::DirectoryBucket", "s3express", 20480},
	{"AWS::S3Tables::TableBucket", "s3tables", 20480},
	{"AWS::S3Tables::Table", "s3tables", 20480},
	{"AWS::IAM::AssumeRolePolicyDocument", "sts", 4096},
	{"AWS::DynamoDB::Table", "dynamodb", 20480},
	{"AWS::DynamoDB::Stream", "dynamodb", 20480},
	{"AWS::ApiGateway::RestApi", "execute-api", 8192},
	{"AWS::KMS::Key", "kms", 32768},
	{"AWS::Lambda::Function", "lambda", 20480},
	{"AWS::SQS::Queue", "sqs", 8192},
	{"AWS::SNS::Topic", "sns", 30720},
	{"AWS::SecretsManager::Secret", "secretsmanager", 20480},
	{"AWS::EFS::FileSystem", "elasticfilesystem", 0},
	{"AWS::CodeArtifact::Domain", "codeartifact", 0},
	{"AWS::Backup::BackupVault", "backup", 0},
}

func lookupResourceType(name string) (*resourceTypeInfo, bool) {
	for i := range resourceTypes {
		if strings.EqualFold(resourceTypes[i].name, name) {
			return &resourceTypes[i], true
		}
	}
	return nil, false
}

func resourceTypeNames() []string {
	out := make([]string, len(resourceTypes))
	for i, r := range resourceTypes {
		out[i] = r.name
	}
	sort.Strings(out)
	return out
}
