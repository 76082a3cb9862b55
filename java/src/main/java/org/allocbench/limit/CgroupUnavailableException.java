package org.allocbench.limit;

/** No memory cgroup can be made here; the message says exactly what is missing. */
public final class CgroupUnavailableException extends RuntimeException {

    public CgroupUnavailableException(String message) {
        super(message);
    }
}
