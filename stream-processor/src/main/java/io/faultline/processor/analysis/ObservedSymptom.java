package io.faultline.processor.analysis;

import io.faultline.common.Severity;

/**
 * An active (raised, not yet cleared) symptom as the analysis needs it.
 *
 * @param related the entity the signal was measured through (a DNS resolver, the pool reporting
 *     a member), or null
 */
public record ObservedSymptom(
    String entity, String signal, String related, Severity severity, long onset, long eventTime, String description) {}
