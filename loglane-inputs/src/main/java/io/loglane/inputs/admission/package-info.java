/**
 * What inputs share to admit events: {@link io.loglane.inputs.admission.BackPressure}, the wait
 * of a source whose request a full stream or disk refused.
 */
package io.loglane.inputs.admission;
