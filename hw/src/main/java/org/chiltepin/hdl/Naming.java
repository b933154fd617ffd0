package org.chiltepin.hdl;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import spinal.core.Data;
import spinal.core.Nameable;

/**
 * Names hardware after the Java fields that hold it. SpinalHDL names by reflection only members
 * that have a same-named accessor (Scala vals); Java fields would come out as {@code _zz_N}.
 * This pass runs when a {@link Block} is closed: every field of the block (up to {@code Block})
 * holding a {@link Nameable}, an array of them or a {@link List} of them gets the field's name in
 * snake_case; array and list elements get {@code name_i} ({@code name_i_j} for 2-D). Names set
 * explicitly with {@link Hdl#named} are kept. Fields holding an {@link HdlArea} are named
 * after the fields of their owner, area by area (see {@link HdlArea}).
 */
final class Naming {
    private Naming() {
    }

    static void nameFields(Block block) {
        Map<HdlArea, String> areas = new IdentityHashMap<>();
        List<Map.Entry<HdlArea, String>> pending = new ArrayList<>();
        nameFieldsOf(block, Block.class, "", areas, pending);
        // Areas after the fields of their owner, breadth first: a signal an area only refers
        // to is named where it is declared.
        for (int i = 0; i < pending.size(); i++) {
            HdlArea area = pending.get(i).getKey();
            nameFieldsOf(area, HdlArea.class, pending.get(i).getValue(), areas, pending);
        }
    }

    private static void nameFieldsOf(Object owner, Class<?> base, String prefix, Map<HdlArea, String> areas,
            List<Map.Entry<HdlArea, String>> pending) {
        // Superclass fields first: a subclass field that only aliases one keeps the first name.
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = owner.getClass(); c != base && c != null; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(owner);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                String name = prefix + snake(f.getName());
                if (value instanceof HdlArea area) {
                    if (!areas.containsKey(area)) {
                        String inner = area.prefixed() ? name + "_" : prefix;
                        areas.put(area, inner);
                        pending.add(Map.entry(area, inner));
                    }
                } else {
                    nameValue(value, name);
                }
            }
        }
    }

    private static void nameValue(Object value, String name) {
        if (value instanceof Data d && d.parent() != null) {
            return; // an element of a bundle (a stream's payload, say) is named by its bundle
        }
        if (value instanceof Nameable n) {
            if (n.isUnnamed() || n.isWeak()) {
                n.setName(name, false);
            }
        } else if (value instanceof Object[] array) {
            for (int i = 0; i < array.length; i++) {
                nameValue(array[i], name + "_" + i);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                nameValue(list.get(i), name + "_" + i);
            }
        }
    }

    /** {@code sAxis} → {@code s_axis}, {@code accWidth} → {@code acc_width}; snake_case stays. */
    static String snake(String javaName) {
        StringBuilder b = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char ch = javaName.charAt(i);
            if (Character.isUpperCase(ch)) {
                boolean prevLower = i > 0 && !Character.isUpperCase(javaName.charAt(i - 1)) && javaName.charAt(i - 1) != '_';
                boolean nextLower = i + 1 < javaName.length() && Character.isLowerCase(javaName.charAt(i + 1));
                boolean prevUpper = i > 0 && Character.isUpperCase(javaName.charAt(i - 1));
                if (i > 0 && (prevLower || (prevUpper && nextLower))) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
