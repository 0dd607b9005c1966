/** Artifacts of batch jobs: bundles pushed into JetStream by digest, and the node monitors' cache of them. */
export { ArtifactStore, type ArtifactVersion, digestOf, MAX_ARTIFACT_BYTES } from './artifact-store.ts';
export { ArtifactCache, type ArtifactWanted, type ObtainedArtifact } from './artifact-cache.ts';
