package org.chiltepin.hdl;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;
import spinal.core.Nameable;

/**
 * Names hardware after the Java fields that hold it. SpinalHDL names by reflection only members
 * that have a same-named accessor (Scala vals); Java fields would come out as {@code _zz_N}.
 * This pass runs when a {@link Block} is closed: every field of the block (up to {@code Block})
 * holding a {@link Nameable}, an array of them or a {@link List} of them gets the field's name in
 * snake_case; array and list elements get {@code name_i} ({@code name_i_j} for 2-D). Names set
 * explicitly with {@link Hdl#named} are kept.
 */
final class Naming {
    private Naming() {
    }

    static void nameFields(Block block) {
        for (Class<?> c = block.getClass(); c != Block.class && c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(block);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                nameValue(value, snake(f.getName()));
            }
        }
    }

    private static void nameValue(Object value, String name) {
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
