package catalog

import "fmt"

// KeyType is the value type of a condition key, as the Service Authorization
// Reference states it. It says which condition operators fit the key and
// whether the key is multivalued (the ArrayOf types), which decides whether
// ForAllValues/ForAnyValue apply.
type KeyType uint8

// The key types. Each ArrayOf type is the multivalued form of the scalar
// type before it.
const (
	TypeString KeyType = iota + 1
	TypeArrayOfString
	TypeARN
	TypeArrayOfARN
	TypeBool
	TypeArrayOfBool
	TypeDate
	TypeArrayOfDate
	TypeNumeric
	TypeArrayOfNumeric
	TypeIPAddress
	TypeArrayOfIPAddress
	TypeBinary
	TypeArrayOfBinary
)

var keyTypeNames = [...]string{
	TypeString:           "String",
	TypeArrayOfString:    "ArrayOfString",
	TypeARN:              "ARN",
	TypeArrayOfARN:       "ArrayOfARN",
	TypeBool:             "Bool",
	TypeArrayOfBool:      "ArrayOfBool",
	TypeDate:             "Date",
	TypeArrayOfDate:      "ArrayOfDate",
	TypeNumeric:          "Numeric",
	TypeArrayOfNumeric:   "ArrayOfNumeric",
	TypeIPAddress:        "IPAddress",
	TypeArrayOfIPAddress: "ArrayOfIPAddress",
	TypeBinary:           "Binary",
	TypeArrayOfBinary:    "ArrayOfBinary",
}

// String returns the type's name as the Service Authorization Reference
// writes it ("ArrayOfString").
func (t KeyType) String() string {
	if t == 0 || int(t) >= len(keyTypeNames) {
		return fmt.Sprintf("KeyType(%d)", uint8(t))
	}
	return keyTypeNames[t]
}

// IsMulti reports whether keys of type t are multivalued: whether the
// request context can hold a set of values for them.
func (t KeyType) IsMulti() bool { return t != 0 && int(t) < len(keyTypeNames) && t%2 == 0 }

// Elem returns the scalar type of t's values: TypeString for both
// TypeString and TypeArrayOfString.
func (t KeyType) Elem() KeyType {
	if t.IsMulti() {
		return t - 1
	}
	return t
}

// MarshalText implements encoding.TextMarshaler with the type's name.
func (t KeyType) MarshalText() ([]byte, error) {
	if t == 0 || int(t) >= len(keyTypeNames) {
		return nil, fmt.Errorf("catalog: invalid KeyType %d", uint8(t))
	}
	return []byte(keyTypeNames[t]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see ParseKeyType.
func (t *KeyType) UnmarshalText(b []byte) error {
	v, err := ParseKeyType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseKeyType returns the KeyType named s ("String", "ArrayOfARN", ...).
// The name is matched exactly, as the data writes it.
func ParseKeyType(s string) (KeyType, error) {
	for i, n := range keyTypeNames {
		if n != "" && n == s {
			return KeyType(i), nil
		}
	}
	return 0, fmt.Errorf("catalog: unknown condition key type %q (known types: String, ArrayOfString, ARN, ArrayOfARN, Bool, ArrayOfBool, Date, ArrayOfDate, Numeric, ArrayOfNumeric, IPAddress, ArrayOfIPAddress, Binary, ArrayOfBinary; a newer connect-iam may know it)", s)
}
