package io.faultline.processor.api;

import java.util.List;

/**
 * The questions operators ask the running pipeline. Every answer comes from the stream's own
 * state stores; methods throw {@link ApiException} for unknown ids (404) and while state is
 * moving between instances (503).
 */
public interface FaultlineQueries {

  enum StateFilter { OPEN, RESOLVED, ALL }

  /** Incidents in the given state, most recently updated first. */
  List<Views.Incident> incidents(StateFilter filter);

  /** One incident with its ranked candidates, current evidence, and root-cause-to-application paths. */
  Views.IncidentDetail incident(String id);

  /** Current health of one entity and its active symptoms. */
  Views.EntityHealth entity(String id);

  /** The likely root cause of this entity's trouble now, with the dependency path to it. */
  Views.RootCause rootCause(String id);

  /** Everything depending on the entity, directly and transitively, and which of those are affected now. */
  Views.Impact impact(String id);
}
