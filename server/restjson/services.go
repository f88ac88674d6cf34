package restjson

//go:generate go run ./internal/gen -routes ../../../shared/reference/connect/connect-routes.json -errors ../../../shared/reference/connect/connect-errors.json -o connect_routes.go

// ConnectError returns an Amazon Connect error with the HTTP status the
// Connect model gives code (for example 404 for ResourceNotFoundException,
// 409 for DuplicateResourceException); codes outside the model get 400.
func ConnectError(code, message string) *Error {
	return &Error{Code: code, Message: message, Status: ConnectErrorStatus(code)}
}

// ConnectErrorStatus returns the HTTP status of the Amazon Connect error
// shape code, or 400 when Connect does not model it.
func ConnectErrorStatus(code string) int {
	if s, ok := connectErrorStatus[code]; ok {
		return s
	}
	return 400
}

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
