package org.chiltepin.gen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;

/**
 * Reads a block configuration record from JSON. Keys are the record's component names; an
 * optional {@code "preset"} key names the preset the file starts from (default: {@code default}),
 * and keys left out keep the preset's values. Every problem is a {@link ConfigException} with a
 * one-line message: an unknown key, a value of the wrong type, a value the record rejects.
 */
final class ConfigLoader {
    /**
     * Strict JSON: a key given twice ({@code {"rows":2,"rows":4}}) and text after the object are
     * errors, not silently resolved (Jackson's own checks).
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigLoader() {
    }

    static <C extends Record> C load(Path file, Class<C> type, Map<String, C> presets) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config", "must name a readable file", file);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String at = loc == null ? "" : "at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
            String why = e.getOriginalMessage().startsWith("Trailing token") ? "text after the JSON object"
                    : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new ConfigException("--config", "must be valid JSON (error " + at + why + ")", file);
        } catch (IOException e) {
            throw new ConfigException("--config", "must name a readable file (" + e.getMessage() + ")", file);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("--config", "must hold a JSON object", file);
        }
        return fromJson((ObjectNode) root, type, presets);
    }

    static <C extends Record> C fromJson(ObjectNode json, Class<C> type, Map<String, C> presets) {
        String presetName = "default";
        JsonNode presetNode = json.get("preset");
        if (presetNode != null) {
            if (!presetNode.isTextual()) {
                throw new ConfigException("preset", "must be a string naming one of " + presets.keySet(), presetNode);
            }
            presetName = presetNode.asText();
        }
        C base = presets.get(presetName);
        if (base == null) {
            throw new ConfigException("preset", "must be one of " + presets.keySet(), presetName);
        }
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent rc : components) {
            values.put(rc.getName(), componentValue(rc, base));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals("preset")) {
                continue;
            }
            if (!values.containsKey(key)) {
                List<String> known = new ArrayList<>(values.keySet());
                known.add(0, "preset");
                throw new ConfigException(key, "is not a configuration key (known: " + String.join(", ", known) + ")",
                        e.getValue());
            }
            values.put(key, convertValue(key, e.getValue(), values.get(key)));
        }
        return construct(type, components, values);
    }

    private static Object componentValue(RecordComponent rc, Record base) {
        try {
            return rc.getAccessor().invoke(base);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON value for a component whose preset value is {@code current}: a list of enum labels
     * for a list of enums, a preset name or an object (with an optional "preset") for a nested
     * configuration record with a static {@code presets()}; otherwise as {@link #convert}.
     */
    @SuppressWarnings("unchecked")
    private static Object convertValue(String key, JsonNode v, Object current) {
        if (current instanceof List<?> list && !list.isEmpty() && list.get(0).getClass().isEnum()) {
            if (!v.isArray()) {
                throw new ConfigException(key, "must be an array of " + List.of(list.get(0).getClass().getEnumConstants()), v);
            }
            List<Object> out = new ArrayList<>();
            for (JsonNode item : v) {
                out.add(convert(key, item, list.get(0).getClass()));
            }
            return out;
        }
        if (current instanceof Record r) {
            Map<String, Record> nested;
            try {
                nested = (Map<String, Record>) r.getClass().getMethod("presets").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no presets() on " + r.getClass(), e);
            }
            if (v.isTextual()) {
                Record p = nested.get(v.asText());
                if (p == null) {
                    throw new ConfigException(key, "must be one of " + nested.keySet(), v.asText());
                }
                return p;
            }
            if (!v.isObject()) {
                throw new ConfigException(key, "must be a preset name or an object", v);
            }
            return fromJson((ObjectNode) v, (Class<Record>) r.getClass(), nested);
        }
        return convert(key, v, current.getClass());
    }

    private static Object convert(String key, JsonNode v, Class<?> target) {
        if (target == Integer.class) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new ConfigException(key, "must be an integer", v);
            }
            return v.intValue();
        }
        if (target == Boolean.class) {
            if (!v.isBoolean()) {
                throw new ConfigException(key, "must be true or false", v);
            }
            return v.booleanValue();
        }
        if (target == String.class) {
            if (!v.isTextual()) {
                throw new ConfigException(key, "must be a string", v);
            }
            return v.asText();
        }
        if (target.isEnum()) {
            for (Object constant : target.getEnumConstants()) {
                if (v.isTextual() && (constant.toString().equalsIgnoreCase(v.asText())
                        || ((Enum<?>) constant).name().equalsIgnoreCase(v.asText()))) {
                    return constant;
                }
            }
            throw new ConfigException(key, "must be one of " + List.of(target.getEnumConstants()), v);
        }
        throw new IllegalStateException("unsupported configuration type " + target);
    }

    private static <C extends Record> C construct(Class<C> type, RecordComponent[] components, Map<String, Object> values) {
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = values.get(components[i].getName());
        }
        try {
            Constructor<C> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record as a JSON object, keys in component order (for manifests). */
    static ObjectNode toJson(Record config) {
        ObjectNode o = JSON.createObjectNode();
        for (RecordComponent rc : config.getClass().getRecordComponents()) {
            Object value = componentValue(rc, config);
            // Enums as they are written in configuration files (their labels).
            o.set(rc.getName(), value instanceof Enum<?> e ? JSON.valueToTree(e.toString()) : JSON.valueToTree(value));
        }
        return o;
    }
}
