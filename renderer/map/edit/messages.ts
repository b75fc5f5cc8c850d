/**
 * The edit namespace(s) of the UI catalogue (renderer/i18n), zh-CN first and English second,
 * kept beside the components that speak them; look them up with `t` from renderer/i18n.
 */

export const EDIT_MESSAGES = {
  'edit.draw': ['绘制地块', 'Draw parcel'],
  'edit.drawHint': ['在地图上单击添加界址点，双击或单击第一个点完成，Esc 取消', 'Click to add vertices, double-click or click the first vertex to finish, Esc cancels'],
  'edit.reshape': ['编辑边界', 'Edit boundary'],
  'edit.reshapeHint': ['选中一个地块后可编辑其边界', 'Select a parcel to edit its boundary'],
  'edit.editHint': ['拖动界址点移动，拖动边中点插入，右键或选中后按 Delete 删除', 'Drag a vertex to move it, drag a midpoint to insert, right-click or select + Delete to remove'],
  'edit.undo': ['撤销', 'Undo'],
  'edit.redo': ['重做', 'Redo'],
  'edit.snap': ['吸附', 'Snap'],
  'edit.snapOff.zoom': ['此比例尺下要素过多，吸附已暂停；放大地图后恢复', 'Too many features at this scale: snapping is paused until you zoom in'],
  'edit.snapHint': ['吸附到可见图层的界址点和边（按住 Alt 临时关闭）', 'Snap to vertices and edges of visible layers (hold Alt to suspend)'],
  'edit.save': ['保存', 'Save'],
  'edit.cancel': ['取消', 'Cancel'],
  'edit.area': ['面积', 'Area'],
  'edit.vertices': ['{n} 个界址点', '{n} vertices'],
  'edit.snapped.vertex': ['吸附到界址点：{layer}', 'Snapped to a vertex: {layer}'],
  'edit.snapped.edge': ['吸附到边：{layer}', 'Snapped to an edge: {layer}'],
  'edit.editing': ['正在编辑地块“{id}”的边界', 'Editing the boundary of parcel "{id}"'],
  'edit.drawing': ['正在绘制新地块', 'Drawing a new parcel'],
  'edit.decided': [
    '地块“{id}”已签发审查决定“{decision}”（第 {revision} 版），该决定以现有边界为依据，不能修改边界；如需改界，请先将决定修订为“退回补正”。',
    'Parcel "{id}" has a signed decision ({decision}, revision {revision}) that rests on its boundary; revise it to "returned for correction" before editing the boundary.',
  ],
  'edit.minVertices': ['每个环至少保留 3 个界址点', 'A ring keeps at least 3 vertices'],
  'edit.needClosed': ['请先完成绘制（至少 3 个界址点）', 'Finish drawing first (at least 3 vertices)'],
  'edit.form.title': ['保存新地块', 'Save new parcel'],
  'edit.form.id': ['地块编号（必填）', 'Parcel id (required)'],
  'edit.form.name': ['名称', 'Name'],
  'edit.form.currentUse': ['现状用途（地类编码）', 'Current use (land-use code)'],
  'edit.form.plannedUse': ['规划用途（地类编码）', 'Planned use (land-use code)'],
  'edit.form.action': ['拟实施行为', 'Intended action'],
  'edit.form.actionNone': ['（未填）', '(not given)'],
  'edit.form.layer': ['存入图层', 'Target layer'],
  'edit.form.newLayer': ['新建“绘制地块”图层（drawn_parcels）', 'New "drawn parcels" layer (drawn_parcels)'],
  'edit.form.idMissing': ['请填写地块编号', 'Enter a parcel id'],
  'edit.form.idTaken': ['该图层中已有编号“{id}”', 'Layer already has id "{id}"'],
  'edit.form.useHint': ['如 0701、0801、08H1', 'e.g. 0701, 0801, 08H1'],
  'edit.saving': ['正在保存…', 'Saving…'],
  'edit.savedNew': ['已保存新地块“{id}”（{area}）', 'Saved new parcel "{id}" ({area})'],
  'edit.savedEdit': ['已保存地块“{id}”的新边界（{area}）', 'Saved the new boundary of parcel "{id}" ({area})'],
  'edit.repairs': ['几何已修复：{notes}', 'Geometry repaired: {notes}'],
  'edit.discard': ['放弃未保存的修改？', 'Discard unsaved changes?'],
} as const;

export type EditMessageKey = keyof typeof EDIT_MESSAGES;


/** rules.md §1.2 `action` codes, in the order of the form. */
export const ACTION_CODES = ['supply', 'recover', 'acquire', 'change-use', 'transfer', 'construct', 'reclaim'] as const;
