#include "config.h"

#include "value.h"

const char *value_type_name(enum value_type t)
{
	switch (t) {
	case VALUE_NULL: return "null";
	case VALUE_BOOL: return "bool";
	case VALUE_NUMBER: return "number";
	case VALUE_STRING: return "string";
	case VALUE_VERSION: return "version";
	}
	return "?";
}
