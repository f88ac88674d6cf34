module github.com/connect-iam/connect-iam

go 1.26

require github.com/aws/aws-sdk-go-v2 v1.47.7 // indirect
