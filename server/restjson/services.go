package restjson

// AccessAnalyzerRoutes are the IAM Access Analyzer operations this server
// implements (signing name "access-analyzer"). Bindings from the Access
// Analyzer API Reference.
var AccessAnalyzerRoutes = []Route{
	{Operation: "ValidatePolicy", Method: "POST", Path: "/policy/validation",
		Query:  []string{"maxResults", "nextToken"},
		Errors: []string{"AccessDeniedException", "InternalServerException", "ThrottlingException", "ValidationException"}},
}

// accessAnalyzerErrorStatus is the HTTP status of each Access Analyzer
// error shape the server returns.
var accessAnalyzerErrorStatus = map[string]int{
	"AccessDeniedException":         403,
	"ConflictException":             409,
	"InternalServerException":       500,
	"ResourceNotFoundException":     404,
	"ServiceQuotaExceededException": 402,
	"ThrottlingException":           429,
	"ValidationException":           400,
}

// AccessAnalyzerError returns an Access Analyzer error with its modeled
// HTTP status (400 for codes outside the model). For ValidationException
// set Fields["reason"] (unknownOperation, cannotParse, fieldValidationFailed
// or other) as the service does.
func AccessAnalyzerError(code, message string) *Error {
	s, ok := accessAnalyzerErrorStatus[code]
	if !ok {
		s = 400
	}
	return &Error{Code: code, Message: message, Status: s}
}
