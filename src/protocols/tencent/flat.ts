import type { FlatPairs } from './v1.ts';

/**
 * One segment of dotted form names (`Hardware.0.SN`, `ProductProperties.Region`, as the
 * SDKs flatten them): a node may carry a value, children, or (wrongly) both.
 */
export class FlatNode {
  readonly segment: string;
  readonly parent: FlatNode | undefined;
  value: string | undefined = undefined;
  /** The same name came more than once. */
  repeated = false;
  children: Map<string, FlatNode> | undefined = undefined;

  constructor(segment: string, parent: FlatNode | undefined) {
    this.segment = segment;
    this.parent = parent;
  }

  /**
   * Some full parameter name at or below this node, for messages about the node. Computed on
   * demand and iteratively: a hostile name may have thousands of segments.
   */
  firstName(): string {
    let node: FlatNode | undefined = this.value === undefined ? this.children?.values().next().value : undefined;
    let last: FlatNode = node ?? this;
    while (node !== undefined) {
      last = node;
      node = node.value === undefined ? node.children?.values().next().value : undefined;
    }
    const segments: string[] = [];
    for (let at: FlatNode | undefined = last; at?.parent !== undefined; at = at.parent) segments.push(at.segment);
    return segments.reverse().join('.');
  }
}

/** Builds the tree of dotted names; the root holds the top-level parameters. */
export function buildFlatTree(pairs: FlatPairs): FlatNode {
  const root = new FlatNode('', undefined);
  for (const [name, value] of pairs) {
    let node = root;
    for (const segment of name.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (child === undefined) {
        child = new FlatNode(segment, node);
        node.children.set(segment, child);
      }
      node = child;
    }
    if (node.value !== undefined) node.repeated = true;
    node.value = value;
  }
  return root;
}
