package plugin

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// explain returns what is wrong with raw settings, as a message that names
// the offending setting by its path ("barego.launchers"), or "" when it
// finds nothing wrong. It follows the json tags of Settings and matches keys
// without regard to case, as encoding/json does.
func explain(raw any) string {
	return explainValue(raw, reflect.TypeFor[Settings](), "")
}

func explainValue(raw any, t reflect.Type, path string) string {
	if raw == nil {
		return "" // json leaves the zero value
	}
	v := reflect.ValueOf(raw)
	switch t.Kind() {
	case reflect.Struct:
		if v.Kind() == reflect.Map && v.Type().Key().Kind() != reflect.String {
			return "" // not from YAML: leave it to encoding/json's error
		}
		if v.Kind() != reflect.Map {
			return fmt.Sprintf("%s must be a mapping of %s, not %s", describePath(path), strings.Join(keysOf(t), ", "), describe(raw))
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			key := k.String()
			field, ok := fieldFor(t, key)
			if !ok {
				return fmt.Sprintf("unknown setting %q; %s", join(path, key), known(t, path))
			}
			if p := explainValue(v.MapIndex(k).Interface(), field.Type, join(path, key)); p != "" {
				return p
			}
		}
	case reflect.Slice:
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			return fmt.Sprintf("%s must be a list of strings, not %s", describePath(path), describe(raw))
		}
		for i := range v.Len() {
			if p := explainValue(v.Index(i).Interface(), t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.String:
		if v.Kind() != reflect.String {
			return fmt.Sprintf("%s must be a string, not %s", describePath(path), describe(raw))
		}
	}
	return ""
}

// fieldFor returns the field of struct type t that json decodes key into.
func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	for f := range fields(t) {
		if strings.EqualFold(jsonName(f), key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func keysOf(t reflect.Type) []string {
	var keys []string
	for f := range fields(t) {
		keys = append(keys, jsonName(f))
	}
	return keys
}

func fields(t reflect.Type) func(func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && jsonName(f) != "-" {
				if !yield(f) {
					return
				}
			}
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func known(t reflect.Type, path string) string {
	where := "the settings are"
	if path != "" {
		where = "the settings of " + path + " are"
	}
	return where + " " + strings.Join(keysOf(t), ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describePath(path string) string {
	if path == "" {
		return "the settings"
	}
	return fmt.Sprintf("setting %q", path)
}

// describe names the kind of a YAML value as a user wrote it.
func describe(raw any) string {
	switch v := reflect.ValueOf(raw); v.Kind() {
	case reflect.Map:
		return "a mapping"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return fmt.Sprintf("the string %q", raw)
	case reflect.Bool:
		return fmt.Sprintf("the boolean %v", raw)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return fmt.Sprintf("the number %v", raw)
	default:
		return fmt.Sprintf("%v", raw)
	}
}
