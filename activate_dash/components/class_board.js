/*
 * ClassBoard: the ActiVAte class board, a Dash component written against the React that
 * Dash serves as `window.React` (no build step). Registered as window.activate_dash.ClassBoard.
 *
 * One column per class plus an unlabelled strip. Inside a column the vertical position is
 * confidence (top = 1, bottom = 0). The person drags items (pointer events: mouse, pen, touch)
 * or uses the keyboard; every change is reported with setProps({items, last_change}).
 *
 * DOM contract (tests rely on it): the root has data-board; each class column has
 * data-column="<class value>", the unlabelled strip data-column=""; each item has
 * data-item-id, data-status and data-confidence (3 decimals).
 *
 * Layout is computed in pixels from the measured board width. Dragging moves only the dragged
 * element (a CSS transform set once per animation frame), so the board re-renders once per drop.
 */
(function () {
  "use strict";

  const React = window.React;
  const h = React.createElement;
  const { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } = React;

  const STATUS_INFO = {
    machine: { label: "Machine's guess", glyph: "?" },
    confirmed: { label: "Confirmed by you", glyph: "\u2713" },
    corrected: { label: "Corrected by you", glyph: "\u2717" },
    manual: { label: "Labelled by you", glyph: "\u270E" },
    unlabelled: { label: "Unlabelled", glyph: "" },
  };
  const LEGEND_STATUSES = ["machine", "confirmed", "corrected", "manual"];
  const DEFAULT_COLORS = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ];
  const CLASS_KEYS = "0123456789abcdefghij"; // key i assigns the i-th class (20 classes at most)
  const THUMB_SIZES = [40, 36, 32, 28, 24, 20, 16];
  const GEOMETRY = { legend: 26, header: 24, gutter: 34, gap: 6, label: 18, padding: 4 };
  const DRAG_THRESHOLD = 4; // pixels a pointer must travel before a press becomes a drag
  const GUIDE_LEVELS = [1, 0.75, 0.5, 0.25, 0];

  const clamp01 = (x) => Math.min(1, Math.max(0, x));
  const round3 = (x) => Math.round(x * 1000) / 1000;
  const percent = (p) => Math.round(p * 100) + "%";

  /* ---------- props checking: bad items are shown unlabelled, never thrown ---------- */

  function checkClasses(classes, warnings) {
    if (!Array.isArray(classes)) {
      if (classes != null) warnings.push("classes must be a list; got " + typeof classes);
      return [];
    }
    const checked = [];
    const seen = new Set();
    classes.forEach((entry, i) => {
      const value = entry && typeof entry === "object" ? entry.value : entry;
      if (value == null || seen.has(String(value))) {
        warnings.push("class " + i + " has a missing or repeated value; it is left out");
        return;
      }
      if (checked.length === CLASS_KEYS.length) {
        warnings.push("more than " + CLASS_KEYS.length + " classes; class " + value + " is left out");
        return;
      }
      seen.add(String(value));
      const label = entry && entry.label != null ? String(entry.label) : String(value);
      const color = (entry && entry.color) || DEFAULT_COLORS[checked.length % DEFAULT_COLORS.length];
      checked.push({ value, label, color, key: CLASS_KEYS[checked.length] });
    });
    return checked;
  }

  function classIndex(classes, value) {
    if (value == null) return -1;
    const text = String(value);
    return classes.findIndex((c) => String(c.value) === text);
  }

  function checkProbabilities(raw, classes) {
    if (raw == null) return null;
    let values = null;
    if (Array.isArray(raw)) values = raw;
    else if (typeof raw === "object") values = classes.map((c) => raw[String(c.value)]);
    if (!values || values.length !== classes.length) return null;
    if (!values.every((p) => typeof p === "number" && isFinite(p))) return null;
    return values;
  }

  function derivedStatus(column, predicted) {
    if (column < 0) return "unlabelled";
    if (predicted < 0) return "manual";
    return column === predicted ? "confirmed" : "corrected";
  }

  function checkItems(items, classes, warnings) {
    if (!Array.isArray(items)) {
      if (items != null) warnings.push("items must be a list; got " + typeof items);
      return [];
    }
    const seen = new Set();
    const checked = [];
    items.forEach((item, index) => {
      if (!item || typeof item !== "object" || item.id == null) {
        warnings.push("item " + index + " has no id; it is not shown");
        return;
      }
      const id = String(item.id);
      const problems = [];
      let column = item.column == null ? -1 : classIndex(classes, item.column);
      if (item.column != null && column < 0) problems.push("unknown column " + JSON.stringify(item.column));
      let confidence = item.confidence == null ? 0 : item.confidence;
      if (typeof confidence !== "number" || !isFinite(confidence) || confidence < 0 || confidence > 1) {
        problems.push("confidence " + JSON.stringify(item.confidence) + " is outside [0, 1]");
        confidence = 0;
      }
      const duplicate = seen.has(id);
      if (duplicate) problems.push("duplicate id");
      seen.add(id);
      if (problems.length) {
        warnings.push("item " + JSON.stringify(item.id) + ": " + problems.join(", ") + "; shown as unlabelled");
        column = -1;
      }
      const predicted = classIndex(classes, item.predicted);
      if (item.predicted != null && predicted < 0) {
        warnings.push("item " + JSON.stringify(item.id) + ": unknown predicted class " + JSON.stringify(item.predicted));
      }
      let status = item.status;
      if (column < 0) status = "unlabelled";
      else if (!(status in STATUS_INFO) || status === "unlabelled") status = derivedStatus(column, predicted);
      checked.push({
        index,
        key: duplicate ? id + "#" + index : id,
        id,
        rawId: item.id,
        src: item.src || "",
        column,
        confidence: column < 0 ? 0 : confidence,
        status,
        predicted,
        probabilities: checkProbabilities(item.probabilities, classes),
      });
    });
    return checked;
  }

  /* ---------- layout: pixel positions for columns and items ---------- */

  function capacityFits(counts, unlabelledCount, size, width, height, nColumns) {
    const perRow = Math.max(1, Math.floor((width - 2 * GEOMETRY.padding) / (size + 4)));
    const rows = Math.max(1, Math.ceil(unlabelledCount / perRow));
    const strip = GEOMETRY.label + rows * (size + 4) + GEOMETRY.padding;
    const plot = height - GEOMETRY.legend - GEOMETRY.header - size - GEOMETRY.gap - strip;
    if (plot < 3 * size || strip > 0.45 * height) return null;
    const columnWidth = (width - GEOMETRY.gutter) / Math.max(1, nColumns);
    const lanes = Math.max(1, Math.floor((columnWidth - 4) / (size + 2)));
    const perLane = Math.floor((plot + size) / (size + 1));
    if (counts.some((n) => n > lanes * perLane)) return null;
    return { perRow, strip, plot, columnWidth, lanes };
  }

  function laneOrder(lanes) {
    // Start in the middle lane, then alternate outwards, so a lone item sits centred.
    const middle = Math.floor((lanes - 1) / 2);
    const order = [middle];
    for (let step = 1; order.length < lanes; step++) {
      if (middle + step < lanes) order.push(middle + step);
      if (middle - step >= 0) order.push(middle - step);
    }
    return order;
  }

  function packColumn(entries, geometry, columnLeft, plotTop, size) {
    // Greedy lanes: an item goes at its confidence height in the first free lane; when all are
    // taken at that height it goes just below the least filled lane, so nothing hides another.
    const { lanes, columnWidth, plot } = geometry;
    const laneWidth = size + 2;
    const firstLaneLeft = columnLeft + (columnWidth - lanes * laneWidth) / 2 + 1;
    const bottoms = new Array(lanes).fill(-Infinity);
    const order = laneOrder(lanes);
    const lowest = plotTop + plot + size / 2 - size; // the top of an item at confidence 0
    const positions = [];
    const sorted = entries.slice().sort((a, b) => b.confidence - a.confidence);
    sorted.forEach((entry) => {
      const wanted = plotTop + (1 - entry.confidence) * plot - size / 2;
      let lane = order.find((k) => bottoms[k] <= wanted);
      if (lane === undefined) lane = order.reduce((best, k) => (bottoms[k] < bottoms[best] ? k : best), order[0]);
      const top = Math.max(wanted, bottoms[lane]);
      bottoms[lane] = top + size + 1;
      positions.push({ entry, lane, top });
    });
    // Pull overflowing items back up from the bottom, lane by lane.
    for (let k = 0; k < lanes; k++) {
      let limit = lowest;
      for (let i = positions.length - 1; i >= 0; i--) {
        if (positions[i].lane !== k) continue;
        positions[i].top = Math.min(positions[i].top, limit);
        limit = positions[i].top - size - 1;
      }
    }
    return positions.map((p) => ({ entry: p.entry, left: firstLaneLeft + p.lane * laneWidth, top: p.top }));
  }

  function computeLayout(entries, classes, width, height) {
    const nColumns = Math.max(1, classes.length);
    const counts = new Array(nColumns).fill(0);
    let unlabelledCount = 0;
    entries.forEach((e) => (e.column < 0 ? unlabelledCount++ : counts[e.column]++));
    let size = THUMB_SIZES[THUMB_SIZES.length - 1];
    let geometry = null;
    for (const candidate of THUMB_SIZES) {
      geometry = capacityFits(counts, unlabelledCount, candidate, width, height, nColumns);
      if (geometry) {
        size = candidate;
        break;
      }
    }
    if (!geometry) {
      // More items than the board holds without overlap: smallest thumbnails, some overlap.
      const plot = Math.max(3 * size, height * 0.5);
      geometry = {
        perRow: Math.max(1, Math.floor((width - 2 * GEOMETRY.padding) / (size + 4))),
        strip: Math.max(GEOMETRY.label + size + 8, height - plot - GEOMETRY.legend - GEOMETRY.header - size - GEOMETRY.gap),
        plot,
        columnWidth: (width - GEOMETRY.gutter) / nColumns,
        lanes: Math.max(1, Math.floor(((width - GEOMETRY.gutter) / nColumns - 4) / (size + 2))),
      };
    }
    const plotTop = GEOMETRY.legend + GEOMETRY.header + size / 2;
    const stripTop = plotTop + geometry.plot + size / 2 + GEOMETRY.gap;
    const columns = classes.map((c, i) => ({
      left: GEOMETRY.gutter + i * geometry.columnWidth,
      width: geometry.columnWidth,
    }));
    const placed = new Array(entries.length);
    classes.forEach((c, i) => {
      const inColumn = entries.filter((e) => e.column === i);
      packColumn(inColumn, geometry, columns[i].left, plotTop, size).forEach((p) => {
        placed[entries.indexOf(p.entry)] = { left: p.left, top: p.top };
      });
    });
    let slot = 0;
    entries.forEach((e, i) => {
      if (e.column >= 0) return;
      const row = Math.floor(slot / geometry.perRow);
      const col = slot % geometry.perRow;
      slot++;
      placed[i] = {
        left: GEOMETRY.padding + col * (size + 4) + 2,
        top: Math.min(stripTop + GEOMETRY.label + row * (size + 4), stripTop + geometry.strip - size),
      };
    });
    // Reading order for arrow keys and paint order: column by column, top to bottom.
    const order = entries
      .map((e, i) => i)
      .sort((a, b) => {
        const ca = entries[a].column < 0 ? nColumns : entries[a].column;
        const cb = entries[b].column < 0 ? nColumns : entries[b].column;
        return ca - cb || placed[a].top - placed[b].top || placed[a].left - placed[b].left;
      });
    return { size, plotTop, plot: geometry.plot, stripTop, strip: geometry.strip, columns, placed, order };
  }

  /* ---------- words for people and screen readers ---------- */

  function topClasses(entry, classes, n) {
    if (!entry.probabilities) return [];
    return entry.probabilities
      .map((p, i) => ({ label: classes[i].label, p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, n);
  }

  function describe(entry, classes) {
    const parts = ["sample " + entry.id];
    if (entry.predicted >= 0) {
      const p = entry.probabilities ? entry.probabilities[entry.predicted] : null;
      parts.push("machine says " + classes[entry.predicted].label + (p == null ? "" : " at " + percent(p)));
    }
    if (entry.column < 0) parts.push("unlabelled");
    else if (entry.status === "machine") parts.push("not reviewed");
    else parts.push(STATUS_INFO[entry.status].label.toLowerCase() + " as " + classes[entry.column].label + ", confidence " + percent(entry.confidence));
    return parts.join(", ");
  }

  /* ---------- the pieces ---------- */

  const Item = memo(function Item(props) {
    const { index, itemId, src, status, confidence, label, left, top, size, z, readonly, handlers } = props;
    const glyph = STATUS_INFO[status].glyph;
    return h(
      "div",
      {
        className: "ab-item ab-status-" + status + (readonly ? " ab-readonly" : ""),
        "data-item-id": itemId,
        "data-status": status,
        "data-confidence": confidence.toFixed(3),
        "data-index": index,
        tabIndex: 0,
        role: "button",
        "aria-roledescription": "draggable sample",
        "aria-label": label,
        style: { left: left + "px", top: top + "px", width: size + "px", height: size + "px", zIndex: z },
        onPointerDown: handlers.pointerDown,
        onKeyDown: handlers.keyDown,
        onPointerEnter: handlers.enter,
        onPointerLeave: handlers.leave,
        onFocus: handlers.enter,
        onBlur: handlers.leave,
      },
      src ? h("img", { src, alt: "", draggable: false }) : null,
      glyph ? h("span", { className: "ab-glyph", "aria-hidden": "true" }, glyph) : null
    );
  });

  function Legend() {
    return h(
      "div",
      { className: "ab-legend", style: { height: GEOMETRY.legend + "px" } },
      LEGEND_STATUSES.map((s) =>
        h(
          "span",
          { key: s, className: "ab-legend-entry" },
          h("span", { className: "ab-legend-swatch ab-status-" + s }, h("span", { className: "ab-glyph" }, STATUS_INFO[s].glyph)),
          STATUS_INFO[s].label
        )
      ),
      h("span", { className: "ab-legend-help" }, "Drag to a class; height = your confidence. Keys: class key, \u2191\u2193 confidence, Enter confirm, Del unlabel")
    );
  }

  function Tooltip({ entry, classes, place, size, width }) {
    const big = Math.max(96, size * 3);
    const right = place.left + size + 8 + big + 140 < width;
    const style = { top: Math.max(0, place.top - 8) + "px" };
    if (right) style.left = place.left + size + 8 + "px";
    else style.right = width - place.left + 8 + "px";
    const top3 = topClasses(entry, classes, 3);
    return h(
      "div",
      { className: "ab-tooltip", style, "aria-hidden": "true" },
      entry.src ? h("img", { src: entry.src, alt: "", style: { width: big + "px", height: big + "px" } }) : null,
      h(
        "div",
        { className: "ab-tooltip-text" },
        h("div", { className: "ab-tooltip-title" }, "Sample " + entry.id),
        entry.column >= 0 && entry.status !== "machine"
          ? h("div", null, "You: " + classes[entry.column].label + " (" + percent(entry.confidence) + ")")
          : null,
        top3.length ? h("div", { className: "ab-tooltip-subtitle" }, "Machine:") : null,
        top3.map((t, i) =>
          h(
            "div",
            { key: i, className: "ab-prob" },
            h("span", { className: "ab-prob-label" }, t.label),
            h("span", { className: "ab-prob-bar", style: { width: Math.round(60 * clamp01(t.p)) + "px" } }),
            h("span", null, percent(t.p))
          )
        )
      )
    );
  }

  /* ---------- the board ---------- */

  function ClassBoard(props) {
    const { id, classes, items, last_change, height = 520, readonly = false, className, style, setProps } = props;
    const rootRef = useRef(null);
    const columnRefs = useRef([]);
    const [width, setWidth] = useState(0);
    const [hovered, setHovered] = useState(null);
    const [announcement, setAnnouncement] = useState("");

    const checked = useMemo(() => {
      const warnings = [];
      const cls = checkClasses(classes, warnings);
      const entries = checkItems(items, cls, warnings);
      return { classes: cls, entries, warnings };
    }, [classes, items]);
    const layout = useMemo(
      () => (width > 0 ? computeLayout(checked.entries, checked.classes, width, height) : null),
      [checked, width, height]
    );

    useEffect(() => {
      if (checked.warnings.length) console.warn("ClassBoard " + (id || "") + ": " + checked.warnings.join("; "));
    }, [checked, id]);

    useLayoutEffect(() => {
      const root = rootRef.current;
      setWidth(root.clientWidth);
      const observer = new ResizeObserver(() => setWidth(root.clientWidth));
      observer.observe(root);
      return () => observer.disconnect();
    }, []);

    // Handlers are created once and read the latest render through this ref, so items stay memoised.
    const latest = useRef({});
    latest.current = { props, checked, layout, readonly };
    const pending = useRef({ source: null, items: [], n: 0 });
    if (pending.current.source !== items) pending.current = { source: items, items: Array.isArray(items) ? items : [], n: pending.current.n };
    const drag = useRef(null);

    const applyChange = useCallback((entryIndex, column, confidence, source) => {
      const { checked: c } = latest.current;
      const entry = c.entries[entryIndex];
      const status = derivedStatus(column, entry.predicted);
      const value = column < 0 ? null : c.classes[column].value;
      const conf = column < 0 ? 0 : round3(clamp01(confidence));
      const before = pending.current.items[entry.index];
      const updated = Object.assign({}, before, { column: value, confidence: conf, status });
      const nextItems = pending.current.items.slice();
      nextItems[entry.index] = updated;
      const previousN = (latest.current.props.last_change && latest.current.props.last_change.n) || 0;
      const n = Math.max(previousN, pending.current.n) + 1;
      pending.current = { source: pending.current.source, items: nextItems, n };
      const change = {
        id: entry.rawId,
        column: value,
        confidence: conf,
        status,
        source,
        n,
        previous: { column: before.column == null ? null : before.column, confidence: before.confidence, status: entry.status },
      };
      setAnnouncement(
        "Sample " + entry.id + (column < 0 ? " unlabelled" : " labelled " + c.classes[column].label + " at " + percent(conf) + ", " + status)
      );
      if (setProps) setProps({ items: nextItems, last_change: change });
    }, []);

    const targetAt = useCallback((x, y) => {
      // Board coordinates -> {column (class index, -1 = unlabelled), confidence} or null (no drop).
      const { layout: l, checked: c } = latest.current;
      const w = rootRef.current.clientWidth;
      if (x < 0 || x > w) return null;
      if (y >= l.stripTop && y <= l.stripTop + l.strip) return { column: -1, confidence: 0 };
      if (y < GEOMETRY.legend || y > l.stripTop) return null;
      const column = c.classes.findIndex((_, i) => x >= l.columns[i].left && x < l.columns[i].left + l.columns[i].width);
      if (column < 0) return null;
      return { column, confidence: clamp01(1 - (y - l.plotTop) / l.plot) };
    }, []);

    const markTarget = useCallback((column) => {
      // Highlights the column under the dragged item by a class, without re-rendering the board.
      const d = drag.current;
      if (d.target === column) return;
      if (d.target != null && columnRefs.current[d.target]) columnRefs.current[d.target].classList.remove("ab-drop-target");
      if (column != null && columnRefs.current[column]) columnRefs.current[column].classList.add("ab-drop-target");
      d.target = column;
    }, []);

    const frame = useCallback(() => {
      const d = drag.current;
      if (!d) return;
      d.raf = 0;
      d.element.style.transform = "translate(" + (d.x - d.startX) + "px," + (d.y - d.startY) + "px)";
      const target = targetAt(d.x - d.rect.left - d.grabX, d.y - d.rect.top - d.grabY);
      markTarget(target ? (target.column < 0 ? "strip" : target.column) : null);
    }, [targetAt, markTarget]);

    const endDrag = useCallback((event, commit) => {
      const d = drag.current;
      if (!d) return;
      drag.current = null;
      if (d.raf) cancelAnimationFrame(d.raf);
      d.element.removeEventListener("pointermove", d.onMove);
      d.element.removeEventListener("pointerup", d.onUp);
      d.element.removeEventListener("pointercancel", d.onCancel);
      d.element.removeEventListener("keydown", d.onEscape);
      d.element.style.transform = "";
      d.element.classList.remove("ab-dragging");
      const marked = d.target;
      if (marked != null && columnRefs.current[marked]) columnRefs.current[marked].classList.remove("ab-drop-target");
      if (!d.moved) {
        d.element.focus();
        return;
      }
      if (!commit) return;
      const target = targetAt(event.clientX - d.rect.left - d.grabX, event.clientY - d.rect.top - d.grabY);
      if (target) applyChange(d.entryIndex, target.column, target.confidence, "drag");
    }, [applyChange, targetAt]);

    const pointerDown = useCallback((event) => {
      if (latest.current.readonly || drag.current || (event.pointerType === "mouse" && event.button !== 0)) return;
      const element = event.currentTarget;
      const entryIndex = Number(element.getAttribute("data-index"));
      const box = element.getBoundingClientRect();
      const d = {
        element,
        entryIndex,
        pointerId: event.pointerId,
        rect: rootRef.current.getBoundingClientRect(),
        startX: event.clientX,
        startY: event.clientY,
        x: event.clientX,
        y: event.clientY,
        // Offset of the pointer from the item's centre: the centre's height is the confidence.
        grabX: event.clientX - (box.left + box.width / 2),
        grabY: event.clientY - (box.top + box.height / 2),
        moved: false,
        raf: 0,
        target: null,
      };
      d.onMove = (e) => {
        if (e.pointerId !== d.pointerId) return;
        d.x = e.clientX;
        d.y = e.clientY;
        if (!d.moved && Math.hypot(d.x - d.startX, d.y - d.startY) < DRAG_THRESHOLD) return;
        if (!d.moved) {
          d.moved = true;
          element.classList.add("ab-dragging");
          setHovered(null);
        }
        if (!d.raf) d.raf = requestAnimationFrame(frame);
      };
      d.onUp = (e) => e.pointerId === d.pointerId && endDrag(e, true);
      d.onCancel = (e) => e.pointerId === d.pointerId && endDrag(e, false);
      d.onEscape = (e) => e.key === "Escape" && endDrag(e, false);
      element.addEventListener("pointermove", d.onMove);
      element.addEventListener("pointerup", d.onUp);
      element.addEventListener("pointercancel", d.onCancel);
      element.addEventListener("keydown", d.onEscape);
      element.setPointerCapture(event.pointerId);
      drag.current = d;
      event.preventDefault();
    }, [frame, endDrag]);

    const keyDown = useCallback((event) => {
      if (drag.current || event.altKey || event.ctrlKey || event.metaKey) return;
      const { checked: c, layout: l, readonly: ro } = latest.current;
      const entryIndex = Number(event.currentTarget.getAttribute("data-index"));
      const entry = c.entries[entryIndex];
      const key = event.key;
      let handled = true;
      if (key === "ArrowLeft" || key === "ArrowRight") {
        const position = l.order.indexOf(entryIndex);
        const next = l.order[position + (key === "ArrowRight" ? 1 : -1)];
        const element = next === undefined ? null : rootRef.current.querySelector('[data-index="' + next + '"]');
        if (element) element.focus();
      } else if (ro) {
        handled = false;
      } else if (key === "ArrowUp" || key === "ArrowDown") {
        if (entry.column >= 0) applyChange(entryIndex, entry.column, entry.confidence + (key === "ArrowUp" ? 0.1 : -0.1), "keyboard");
      } else if (key === "Enter") {
        if (entry.predicted >= 0) {
          const conf =
            entry.column === entry.predicted
              ? entry.confidence
              : entry.probabilities
                ? entry.probabilities[entry.predicted]
                : 0.5;
          applyChange(entryIndex, entry.predicted, conf, "keyboard");
        } else setAnnouncement("Sample " + entry.id + " has no machine guess to confirm");
      } else if (key === "Delete" || key === "Backspace") {
        applyChange(entryIndex, -1, 0, "keyboard");
      } else if (key.length === 1 && CLASS_KEYS.indexOf(key.toLowerCase()) >= 0 && CLASS_KEYS.indexOf(key.toLowerCase()) < c.classes.length) {
        const column = CLASS_KEYS.indexOf(key.toLowerCase());
        applyChange(entryIndex, column, entry.column >= 0 ? entry.confidence : 0.5, "keyboard");
      } else handled = false;
      if (handled) event.preventDefault();
    }, [applyChange]);

    const enter = useCallback((event) => {
      if (!drag.current) setHovered(Number(event.currentTarget.getAttribute("data-index")));
    }, []);
    const leave = useCallback(() => setHovered(null), []);
    const handlers = useMemo(() => ({ pointerDown, keyDown, enter, leave }), [pointerDown, keyDown, enter, leave]);

    const cls = checked.classes;
    const children = [h(Legend, { key: "legend" })];
    if (layout) {
      const size = layout.size;
      children.push(
        h("div", { key: "scale", className: "ab-scale", "aria-hidden": "true" },
          GUIDE_LEVELS.map((level) =>
            h("div", { key: level, className: "ab-guide", style: { top: layout.plotTop + (1 - level) * layout.plot + "px", left: GEOMETRY.gutter - 4 + "px" } },
              h("span", { className: "ab-guide-label" }, level.toFixed(2))
            )
          )
        )
      );
      cls.forEach((c, i) => {
        const column = layout.columns[i];
        children.push(
          h("div", {
            key: "header-" + i,
            className: "ab-header",
            style: { left: column.left + "px", width: column.width + "px", top: GEOMETRY.legend + "px", height: GEOMETRY.header + "px", borderColor: c.color },
            title: "Press " + c.key + " to put the focused sample here",
          },
          h("span", { className: "ab-header-label" }, c.label),
          h("kbd", { className: "ab-key" }, c.key))
        );
        children.push(
          h("div", {
            key: "column-" + i,
            ref: (el) => {
              columnRefs.current[i] = el;
            },
            className: "ab-column",
            "data-column": String(c.value),
            "aria-label": "class " + c.label,
            style: {
              left: column.left + 1 + "px",
              width: column.width - 2 + "px",
              top: layout.plotTop + "px",
              height: layout.plot + "px",
              background: "color-mix(in srgb, " + c.color + " 12%, transparent)",
            },
          })
        );
      });
      children.push(
        h("div", {
          key: "strip",
          ref: (el) => {
            columnRefs.current.strip = el;
          },
          className: "ab-column ab-unlabelled",
          "data-column": "",
          "aria-label": "unlabelled",
          style: { left: "0px", width: "100%", top: layout.stripTop + "px", height: layout.strip + "px" },
        }, h("span", { className: "ab-unlabelled-label" }, "Unlabelled"))
      );
      const rank = new Array(checked.entries.length);
      layout.order.forEach((entryIndex, r) => (rank[entryIndex] = r + 1));
      checked.entries.forEach((entry, i) => {
        const place = layout.placed[i];
        children.push(
          h(Item, {
            key: entry.key,
            index: i,
            itemId: entry.id,
            src: entry.src,
            status: entry.status,
            confidence: entry.confidence,
            label: describe(entry, cls),
            left: place.left,
            top: place.top,
            size,
            z: rank[i],
            readonly,
            handlers,
          })
        );
      });
      if (hovered != null && checked.entries[hovered]) {
        children.push(
          h(Tooltip, { key: "tooltip", entry: checked.entries[hovered], classes: cls, place: layout.placed[hovered], size, width })
        );
      }
    }
    children.push(h("div", { key: "live", className: "ab-live", "aria-live": "polite" }, announcement));

    return h(
      "div",
      {
        id,
        ref: rootRef,
        className: "ab-board" + (className ? " " + className : ""),
        "data-board": "",
        role: "group",
        "aria-label": "Class board",
        style: Object.assign({ height: height + "px" }, style),
      },
      children
    );
  }

  window.activate_dash = Object.assign(window.activate_dash || {}, { ClassBoard });
})();
