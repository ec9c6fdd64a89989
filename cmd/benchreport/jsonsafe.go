package main

import (
	"encoding/json"
	"math"
	"reflect"
)

// jsonSafe returns v as generic JSON data with NaN and ±Inf (not
// representable in JSON) replaced by null.
func jsonSafe(v any) any {
	b, err := json.Marshal(nanToNull(reflect.ValueOf(v)))
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// nanToNull walks v, turning it into maps/slices/values with non-finite
// floats as nil, keeping JSON field names.
func nanToNull(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return nanToNull(v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	case reflect.Struct:
		m := map[string]any{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag := f.Tag.Get("json"); tag != "" {
				if tag == "-" {
					continue
				}
				if n := splitTag(tag); n != "" {
					name = n
				}
			}
			m[name] = nanToNull(v.Field(i))
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = nanToNull(v.Index(i))
		}
		return s
	case reflect.Map:
		m := map[string]any{}
		for _, k := range v.MapKeys() {
			m[k.String()] = nanToNull(v.MapIndex(k))
		}
		return m
	}
	return v.Interface()
}

func splitTag(tag string) string {
	for i := range len(tag) {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}
