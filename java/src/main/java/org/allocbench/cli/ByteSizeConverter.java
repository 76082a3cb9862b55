package org.allocbench.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A picocli converter for sizes ({@link org.allocbench.nativecore.ByteSize} has the rules). */
public final class ByteSizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return org.allocbench.nativecore.ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage()); // its message, no class name
        }
    }
}
